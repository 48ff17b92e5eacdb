package io.boxscope.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.bench.Histogram;
import io.boxscope.bench.engine.Interval;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.engine.RunResult;
import io.boxscope.bench.engine.Workload;
import io.boxscope.bench.env.Environment;
import io.boxscope.bench.env.IoLimit;
import io.boxscope.bench.stats.Summary;
import io.boxscope.proc.cgroup.CgroupLimits.CpuThrottling;
import io.boxscope.proc.json.Json;

/**
 * The JSON form of a benchmark (--json output and --save files): test, options, environment, every
 * run's figures and throttling, and per-metric summaries (mean, stddev, 95% CI). {@code compare}
 * reads it back; unknown fields are ignored so later versions can add to it.
 */
public final class BenchDocument {
    /** 2: keys in snake_case with units (docs/json.md); 1 had sysbench's option names ({@link #upgrade}). */
    public static final int FORMAT = 2;

    private BenchDocument() {}

    /** One measured run with the CPU throttling that happened during it. */
    public record Run(RunResult result, CpuThrottling throttling) {}

    /** The document; {@code runs} are {@link #runObject} entries. */
    public static Map<String, Object> build(String version, Workload w, RunOptions o, Environment env,
            List<Map<String, Object>> runs) {
        Map<String, Object> doc = Json.object();
        doc.put("format", FORMAT);
        doc.put("tool", "boxscope " + version);
        doc.put("compatible_with", "sysbench 1.0.20");
        doc.put("test", w.name());
        Map<String, Object> opts = Json.object();
        opts.put("threads", o.threads());
        opts.put("time_s", o.timeSeconds());
        opts.put("events", o.events());
        opts.put("rate", o.rate());
        opts.put("report_interval_s", o.reportInterval());
        opts.put("percentile", o.percentile());
        opts.put("warmup_time_s", o.warmupSeconds());
        opts.putAll(Metrics.options(w));
        doc.put("options", opts);
        Map<String, Object> environment = environment(env);
        if (w instanceof io.boxscope.bench.fileio.FileIoWorkload f) {
            environment.put("file_dir_fs_type", fileSystemType(f.options().dir()));
        }
        doc.put("environment", environment);
        Map<String, List<Double>> byMetric = new LinkedHashMap<>();
        for (Map<String, Object> run : runs) {
            metrics(run).forEach((k, v) -> byMetric.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        doc.put("runs", new ArrayList<Object>(runs));
        Map<String, Object> summary = Json.object();
        byMetric.forEach((k, v) -> summary.put(k, summary(Summary.of(v))));
        doc.put("summary", summary);
        return doc;
    }

    static Map<String, Object> summary(Summary s) {
        Map<String, Object> m = Json.object();
        m.put("n", s.n());
        m.put("mean", s.mean());
        m.put("stddev", s.stddev());
        m.put("ci95_low", s.hasInterval() ? s.ciLow() : null);
        m.put("ci95_high", s.hasInterval() ? s.ciHigh() : null);
        return m;
    }

    /**
     * One entry of the document's {@code runs}: the run's metrics, figures, intervals and throttling,
     * and the process id of the JVM that measured it (each {@code --runs} repetition is its own JVM).
     */
    public static Map<String, Object> runObject(Workload w, Run run) {
        Map<String, Object> m = run(w, run, Metrics.of(w, run.result()));
        m.put("jvm_pid", ProcessHandle.current().pid());
        return m;
    }

    /**
     * The {@code metrics} of a {@link #runObject} entry, also one read back from JSON (where a
     * whole number may come back as a long).
     */
    public static Map<String, Double> metrics(Map<String, Object> runObject) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (!(runObject.get("metrics") instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("a run without metrics");
        }
        m.forEach((k, v) -> {
            if (!(v instanceof Number n)) {
                throw new IllegalArgumentException("metric " + k + " is not a number: " + v);
            }
            out.put(String.valueOf(k), n.doubleValue());
        });
        return out;
    }

    static Map<String, Object> run(Workload w, Run run, Map<String, Double> metrics) {
        RunResult r = run.result();
        Map<String, Object> m = Json.object();
        m.put("metrics", metrics);
        Map<String, Object> general = Json.object();
        general.put("total_time_s", r.seconds());
        general.put("events", r.events());
        m.put("general", general);
        Map<String, Object> lat = Json.object();
        lat.put("min_ms", r.latencyMinMs());
        lat.put("avg_ms", r.latencyAvgMs());
        lat.put("max_ms", r.latencyMaxMs());
        lat.put("percentile", r.options().percentile());
        lat.put("percentile_ms", r.options().percentile() == 0 ? null : r.latencyPercentileMs());
        lat.put("sum_ms", r.latencySumMs());
        m.put("latency", lat);
        List<Object> threads = new ArrayList<>();
        for (int i = 0; i < r.threadEvents().length; i++) {
            Map<String, Object> t = Json.object();
            t.put("events", r.threadEvents()[i]);
            t.put("execution_time_s", r.threadNanos()[i] / 1e9);
            threads.add(t);
        }
        m.put("threads", threads);
        if (r.counterNames().length > 0) {
            Map<String, Object> c = Json.object();
            for (int i = 0; i < r.counterNames().length; i++) {
                c.put(r.counterNames()[i], r.counters()[i]);
            }
            m.put("counters", c);
        }
        List<Object> ivs = new ArrayList<>();
        for (Interval iv : r.intervals()) {
            Map<String, Object> x = Json.object();
            x.put("time_s", iv.elapsedSeconds());
            x.put("interval_s", iv.intervalSeconds());
            x.put("threads", iv.threads());
            x.put("events", iv.events());
            x.put("events_per_second", iv.eventsPerSecond());
            x.put("latency_percentile_ms", iv.latencyPercentileMs());
            for (int i = 0; i < iv.counters().length && i < r.counterNames().length; i++) {
                x.put(r.counterNames()[i], iv.counters()[i]);
            }
            if (r.options().rate() > 0) {
                x.put("queue_length", iv.queueLength());
                x.put("concurrency", iv.concurrency());
            }
            ivs.add(x);
        }
        m.put("intervals", ivs);
        if (r.options().histogram()) {
            List<Object> h = new ArrayList<>();
            Histogram hist = r.histogram();
            for (int i = 0; i < Histogram.SIZE; i++) {
                if (hist.count(i) > 0) {
                    h.add(List.of(Histogram.value(i), hist.count(i)));
                }
            }
            m.put("histogram_ms", h);
        }
        m.put("throttling", throttling(run.throttling()));
        return m;
    }

    /**
     * A document as this version writes it: format 1 (before snake_case) named its options as
     * sysbench does ({@code cpu-max-prime}, {@code time}); their keys are renamed
     * ({@link Metrics#optionKey}), so files saved before still compare. The other keys compare
     * reads were the same in format 1.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> upgrade(Map<String, Object> doc) {
        if (!(doc.get("format") instanceof Number n) || n.intValue() != 1 || !(doc.get("options") instanceof Map<?, ?> old)) {
            return doc;
        }
        Map<String, Object> opts = new LinkedHashMap<>();
        ((Map<String, Object>) old).forEach((k, v) -> opts.put(Metrics.optionKey(k), v));
        Map<String, Object> out = new LinkedHashMap<>(doc);
        out.put("options", opts);
        out.put("format", FORMAT);
        return out;
    }

    public static Map<String, Object> throttling(CpuThrottling t) {
        Map<String, Object> m = Json.object();
        m.put("nr_periods", t.periods());
        m.put("nr_throttled", t.throttledPeriods());
        m.put("throttled_s", t.throttledNanos() / 1e9);
        m.put("throttled_share", t.throttledShare());
        return m;
    }

    /** The type of the file system holding {@code dir} (ext4, xfs, tmpfs, overlay...), or "unknown". */
    static String fileSystemType(java.nio.file.Path dir) {
        try {
            return java.nio.file.Files.getFileStore(dir).type();
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    public static Map<String, Object> environment(Environment e) {
        Map<String, Object> m = Json.object();
        m.put("cpu_model", e.cpuModel());
        m.put("online_cpus", e.onlineCpus());
        m.put("available_processors", e.availableProcessors());
        m.put("kernel", e.kernel());
        m.put("jvm", e.jvm());
        m.put("cpu_governor", e.governor());
        m.put("cgroup", e.cgroupPath());
        m.put("cpu_quota", e.cpuQuota());
        m.put("cpu_period_us", e.cpuPeriodUs());
        m.put("cpuset", e.cpuset());
        m.put("memory_limit_bytes", e.memoryLimit());
        List<Object> io = new ArrayList<>();
        for (IoLimit l : e.ioLimits()) {
            Map<String, Object> x = Json.object();
            x.put("device", l.device());
            x.put("rbps", l.readBps() < 0 ? null : l.readBps());
            x.put("wbps", l.writeBps() < 0 ? null : l.writeBps());
            x.put("riops", l.readIops() < 0 ? null : l.readIops());
            x.put("wiops", l.writeIops() < 0 ? null : l.writeIops());
            io.add(x);
        }
        m.put("io_limits", io);
        m.put("problems", e.problems());
        return m;
    }
}
