package io.boxscope.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import io.boxscope.bench.stats.Comparison;
import io.boxscope.bench.stats.Summary;

/**
 * Compares two saved benchmark documents (see {@link BenchDocument}): for each metric both have,
 * the change from A to B with its 95% confidence interval, and the differences between the two
 * environments and options that can explain a change (CPU model, CPU count, quota, cpuset, memory
 * and I/O limits, kernel, JVM, benchmark options).
 */
public final class CompareDocuments {
    private CompareDocuments() {}

    public record Row(String metric, Summary a, Summary b, Comparison change, boolean lowerIsBetter) {}

    public record Result(String test, List<Row> rows, List<String> differences) {}

    /** Environment fields whose difference matters for performance. */
    static final List<String> ENV_KEYS = List.of("cpu_model", "online_cpus", "available_processors", "cpu_governor",
            "cpu_quota", "cpuset", "memory_limit_bytes", "io_limits", "kernel", "jvm", "file_dir_fs_type");
    /** Options that only change how long a run is or how it is reported. */
    static final Set<String> NEUTRAL_OPTIONS = Set.of("time_s", "events", "report_interval_s", "percentile", "warmup_time_s", "file_dir");

    @SuppressWarnings("unchecked")
    public static Result compare(Map<String, Object> a, Map<String, Object> b) {
        a = BenchDocument.upgrade(a);
        b = BenchDocument.upgrade(b);
        String ta = String.valueOf(a.get("test"));
        String tb = String.valueOf(b.get("test"));
        if (!ta.equals(tb)) {
            throw new IllegalArgumentException("cannot compare a " + ta + " result with a " + tb + " result");
        }
        List<String> diffs = new ArrayList<>();
        Map<String, Object> ea = map(a.get("environment"));
        Map<String, Object> eb = map(b.get("environment"));
        for (String k : ENV_KEYS) {
            // a key only one side has comes from an older file: nothing to compare
            if (ea.containsKey(k) && eb.containsKey(k) && !Objects.equals(ea.get(k), eb.get(k))) {
                diffs.add(k + ": " + show(ea.get(k)) + " → " + show(eb.get(k)));
            }
        }
        Map<String, Object> oa = map(a.get("options"));
        Map<String, Object> ob = map(b.get("options"));
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(oa.keySet());
        keys.addAll(ob.keySet());
        for (String k : keys) {
            if (!NEUTRAL_OPTIONS.contains(k) && !Objects.equals(oa.get(k), ob.get(k))) {
                diffs.add("option " + Metrics.optionName(k) + ": " + show(oa.get(k)) + " → " + show(ob.get(k)));
            }
        }
        Map<String, List<Double>> va = values(a);
        Map<String, List<Double>> vb = values(b);
        List<Row> rows = new ArrayList<>();
        for (var e : va.entrySet()) {
            String metric = e.getKey();
            if (Metrics.EXTENSIVE.contains(metric) || !vb.containsKey(metric)) {
                continue;
            }
            Summary sa = Summary.of(e.getValue());
            Summary sb = Summary.of(vb.get(metric));
            rows.add(new Row(metric, sa, sb, Comparison.of(sa, sb), Metrics.lowerIsBetter(metric)));
        }
        // every metric is tested at once: correct for how many (Holm–Bonferroni)
        List<Comparison> corrected = Comparison.holm(rows.stream().map(Row::change).toList());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            rows.set(i, new Row(r.metric(), r.a(), r.b(), corrected.get(i), r.lowerIsBetter()));
        }
        return new Result(ta, rows, diffs);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String show(Object o) {
        return o == null ? "none" : String.valueOf(o);
    }

    /** Each metric's values over the document's runs. */
    static Map<String, List<Double>> values(Map<String, Object> doc) {
        Map<String, List<Double>> out = new java.util.LinkedHashMap<>();
        if (!(doc.get("runs") instanceof List<?> runs) || runs.isEmpty()) {
            throw new IllegalArgumentException("the document has no runs: is it a file written by boxscope bench --save?");
        }
        for (Object r : runs) {
            Map<String, Object> m = map(map(r).get("metrics"));
            for (var e : m.entrySet()) {
                if (e.getValue() instanceof Number n) {
                    out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(n.doubleValue());
                }
            }
        }
        return out;
    }
}
