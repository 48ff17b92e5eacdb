package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.Value;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A chisel that sums a value by key and prints the top N keys: what sysdig's {@code table_generator.lua}
 * computes for topscalls, topfiles_bytes, topprocs_net, topconns and the others. An event contributes
 * when every key field has a value and the value field is above zero; the table prints the value column
 * then the key columns, each 20 characters wide (common.lua's print_sorted_table), under 80 dashes.
 *
 * <p>The state is only the key → sum map, so a live capture may compute it in the kernel and hand the
 * sums to {@link #add} (see {@link Chisel}). Ties print in first-seen order; sysdig's order for equal
 * values comes from Lua's hash table and differs from run to run.
 */
public final class TableChisel implements Chisel {
    /** How values print (table_generator's value_units). */
    public enum ValueUnits {
        NONE, BYTES, TIME,
        /**
         * timepct: the value is CPU time in ns, printed as a percentage of the capture's duration (first to
         * last event read), {@code %.2f%%}; the chisels that use it sum thread.cpu of procinfo events.
         */
        TIMEPCT
    }

    /**
     * The table: key fields and their column titles, the summed field and its title, the chisel's filter,
     * how many rows to print (0: all) and how values print.
     */
    public record Spec(List<String> keys, List<String> keyTitles, String value, String valueTitle, String filter,
                       int top, ValueUnits units) {
        public Spec {
            keys = List.copyOf(keys);
            keyTitles = List.copyOf(keyTitles);
            if (keys.size() != keyTitles.size()) {
                throw new IllegalArgumentException("number of entries in keys different from number entries in keydescs");
            }
        }
    }

    private static final int WIDTH = 20;

    private final ChiselInfo info;
    private final Spec spec;
    private final Filter filter;
    private final List<OutputField> keyFields = new ArrayList<>();
    private final OutputField valueField;
    private final Map<List<String>, Long> sums = new LinkedHashMap<>();
    /** thread.cpu's memory: each thread's last cpu_usr + cpu_sys (sinsp_threadinfo::m_last_t_tot_cpu). */
    private final Map<Long, Long> lastCpu = new java.util.HashMap<>();
    private long firstTs;

    /** Whether the sums come only through {@link #add} (a chisel's own keys, not event fields): httptop. */
    private final boolean fed;

    TableChisel(ChiselInfo info, Spec spec, Filter filter) {
        this(info, spec, filter, false);
    }

    private TableChisel(ChiselInfo info, Spec spec, Filter filter, boolean fed) {
        this.info = info;
        this.spec = spec;
        this.filter = filter;
        this.fed = fed;
        if (!fed) {
            for (String k : spec.keys()) {
                keyFields.add(OutputField.parse(k));
            }
        }
        this.valueField = fed || spec.units() == ValueUnits.TIMEPCT ? null : OutputField.parse(spec.value());
    }

    /**
     * A table whose keys and values a chisel computes itself and hands to {@link #add} (print_sorted_table
     * called by a chisel on its own table, as httptop.lua does): the same printing, no fields read.
     */
    static TableChisel fedByAdd(ChiselInfo info, Spec spec) {
        return new TableChisel(info, spec, Chisels.ALL, true);
    }

    @Override
    public ChiselInfo info() {
        return info;
    }

    /** The table this chisel computes. */
    public Spec spec() {
        return spec;
    }

    @Override
    public Filter filter() {
        return filter;
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        if (fed) {
            return;
        }
        List<String> key = new ArrayList<>(keyFields.size());
        for (OutputField f : keyFields) {
            String s = e.text(f);
            if (s == null) {
                return;
            }
            key.add(s);
        }
        if (valueField == null) {
            add(key, cpu(e) * 10_000_000L);
        } else if (e.value(valueField) instanceof Value.Num n && n.value() > 0) {
            add(key, n.value());
        }
    }

    /**
     * thread.cpu of a procinfo event (filterchecks.cpp, TYPE_CPU): the growth of the thread's cpu_usr +
     * cpu_sys since its previous procinfo, at most 100, and 0 the first time.
     */
    private long cpu(EventView e) {
        long total = 0;
        for (String p : List.of("cpu_usr", "cpu_sys")) {
            if (e.event().value(p).orElse(null) instanceof io.boxscope.trace.scap.ParamValue.Num n) {
                total += n.value();
            }
        }
        Long last = lastCpu.put(e.event().tid(), total);
        return last == null || last == 0 ? 0 : Math.min(100, total - last);
    }

    @Override
    public void seen(EventView e, Consumer<String> out) {
        if (firstTs == 0) {
            firstTs = e.event().ts();
        }
    }

    /**
     * A capture counted in the kernel started at {@code ts} (ns since the epoch, taken before its programs were
     * attached, so nothing counted is older): the first interval's CPU shares (timepct) are of the time since
     * then, where the event stream takes its first event's time ({@link #seen}).
     */
    public void begin(long ts) {
        if (firstTs == 0) {
            firstTs = ts;
        }
    }

    /** Adds {@code value} to the sum of {@code key} (one string per key field): the entry for kernel-side sums. */
    public void add(List<String> key, long value) {
        sums.merge(List.copyOf(key), value, Long::sum);
    }

    /** The rows to print: by value, largest first, at most {@code top}. */
    public List<Map.Entry<List<String>, Long>> rows() {
        List<Map.Entry<List<String>, Long>> l = new ArrayList<>(sums.entrySet());
        l.sort(Comparator.comparing((Map.Entry<List<String>, Long> x) -> x.getValue()).reversed());
        return spec.top() > 0 && l.size() > spec.top() ? List.copyOf(l.subList(0, spec.top())) : List.copyOf(l);
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        if (json) {
            out.accept(json(lastTs));
            return;
        }
        StringBuilder header = new StringBuilder(Units.extend(spec.valueTitle(), WIDTH));
        for (String t : spec.keyTitles()) {
            header.append(Units.extend(t, WIDTH));
        }
        out.accept(header.toString());
        out.accept("-".repeat(80));
        for (Map.Entry<List<String>, Long> r : rows()) {
            StringBuilder b = new StringBuilder(Units.extend(value(r.getValue(), lastTs), WIDTH));
            List<String> k = r.getKey();
            for (int i = 0; i < k.size(); i++) {
                String s = k.get(i);
                b.append(i < k.size() - 1 ? Units.extend(s.length() > WIDTH ? s.substring(0, WIDTH) : s, WIDTH) : s);
            }
            out.accept(b.toString());
        }
    }

    /** table_generator.lua sets a one-second interval on a live capture. */
    @Override
    public long liveIntervalNs() {
        return 1_000_000_000L;
    }

    /**
     * table_generator.lua's on_interval: the table of the interval, then an empty one. CPU shares are of
     * the time since the interval began (the delta sysdig hands on_interval).
     */
    @Override
    public void interval(Consumer<String> out, boolean json, long ts) {
        end(out, json, ts);
        sums.clear();
        firstTs = ts - Math.floorMod(ts, liveIntervalNs());
    }

    private String value(long v, long lastTs) {
        return switch (spec.units()) {
            case NONE -> Long.toString(v);
            case BYTES -> Units.bytes(v);
            case TIME -> Units.time(v);
            case TIMEPCT -> lastTs - firstTs > 0
                    ? new java.math.BigDecimal((double) v / (lastTs - firstTs) * 100).setScale(2, java.math.RoundingMode.HALF_EVEN) + "%"
                    : "0.00%";
        };
    }

    /**
     * print_sorted_table's JSON (dkjson with indent): {@code info} lists the key fields then puts the value
     * field at position 3 (1-based, as the Lua does, so one key leaves a null at 2), {@code ts} is the end
     * time in whole seconds as a nanosecond string, {@code data} has one [keys..., value] row per entry.
     */
    private String json(long lastTs) {
        List<String> info = new ArrayList<>();
        for (int i = 0; i < spec.keys().size(); i++) {
            info.add(infoObject(spec.keys().get(i), true, spec.keyTitles().get(i)));
        }
        while (info.size() < 2) {
            info.add("null");
        }
        String v = infoObject(spec.value(), false, spec.valueTitle());
        if (info.size() == 2) {
            info.add(v);
        } else {
            info.set(2, v);
        }
        StringBuilder b = new StringBuilder("{\n  \"info\":[").append(String.join(",", info)).append("],\n");
        b.append("  \"ts\":\"").append(lastTs / 1_000_000_000L).append("000000000\",\n");
        b.append("  \"data\":[");
        List<Map.Entry<List<String>, Long>> rows = rows();
        for (int i = 0; i < rows.size(); i++) {
            b.append(i == 0 ? "[" : ",[");
            for (String k : rows.get(i).getKey()) {
                b.append(Dkjson.quote(k)).append(',');
            }
            b.append(rows.get(i).getValue()).append(']');
        }
        return b.append("]\n}").toString();
    }

    private static String infoObject(String name, boolean key, String desc) {
        return "{\n      \"name\":" + Dkjson.quote(name) + ",\n      \"is_key\":" + key + ",\n      \"desc\":"
                + Dkjson.quote(desc) + "\n    }";
    }
}
