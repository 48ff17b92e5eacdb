package io.boxscope.tools.softirqs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.hist.HistText;
import io.boxscope.tools.hist.IntervalRun;
import io.boxscope.tools.hist.KeyedHist;
import io.boxscope.tools.hist.Log2Hist;

/**
 * libbpf-tools' softirqs (script {@code softirqs.bt}, on the raw softirq_entry/exit tracepoints): per soft interrupt vector, the total time
 * spent in its handlers ({@code SOFTIRQ TOTAL_usecs}), with {@code -C} also the number of times they
 * ran ({@code TOTAL_count}), or with {@code -d} a log2 histogram of the times ({@code softirq = NAME}).
 * Vectors are printed in number order, those that did not run left out, as softirqs.c prints them.
 * Soft interrupts are not per container (they run on whatever task is on the CPU, or in ksoftirqd),
 * so there is no container filter.
 */
public final class Softirqs {
    /** softirqs.h MAX_SLOTS. */
    public static final int MAX_SLOTS = 20;

    /**
     * The vectors' names by number, as softirqs.c and /proc/softirqs name them (the kernel's
     * {@code softirq_to_name}, include/linux/interrupt.h's HI_SOFTIRQ .. RCU_SOFTIRQ).
     */
    public static final List<String> VECTORS = List.of("hi", "timer", "net_tx", "net_rx", "block", "irq_poll",
            "tasklet", "sched", "hrtimer", "rcu");

    private Softirqs() {}

    /**
     * softirqs' options.
     *
     * @param distribution -d
     * @param count        -C (an event count column; not with -d)
     * @param nanoseconds  -N
     */
    public record Options(boolean distribution, boolean count, boolean nanoseconds) {
        public Options {
            if (distribution && count) {
                throw new IllegalArgumentException("-C and -d cannot be used together");
            }
        }

        public String unit() {
            return nanoseconds ? "nsecs" : "usecs";
        }

        /** The script's $1 and $2. */
        public List<String> params() {
            return List.of(nanoseconds ? "1" : "1000", distribution ? "1" : "0");
        }
    }

    /**
     * One vector's figures in an interval.
     *
     * @param vector the vector's number (0 .. 9)
     * @param name   its name ({@link #VECTORS})
     * @param time   total time in the unit (0 with -d)
     * @param count  times its handlers ran (0 with -d)
     * @param hist   the histogram with -d, else null
     */
    public record Vector(int vector, String name, long time, long count, Log2Hist hist) {}

    /**
     * One interval.
     *
     * @param time    local time {@code HH:MM:SS} with -T, else null
     * @param options the options the figures follow
     * @param vectors the vectors that ran, by number
     */
    public record Report(String time, Options options, List<Vector> vectors) {
        public Report {
            vectors = List.copyOf(vectors);
        }
    }

    /** The interval's report from the script's {@code @time} and {@code @count} maps (or {@code @hist} with -d). */
    public static Report report(Map<String, MapDump> maps, Options o, String time) {
        List<Vector> out = new ArrayList<>();
        if (o.distribution()) {
            Map<Integer, Log2Hist> hists = new HashMap<>();
            for (KeyedHist k : KeyedHist.of(maps.get("@hist"), MAX_SLOTS)) {
                hists.put((int) k.intKey(0), k.hist());
            }
            for (int v = 0; v < VECTORS.size(); v++) {
                if (hists.containsKey(v)) {
                    out.add(new Vector(v, VECTORS.get(v), 0, 0, hists.get(v)));
                }
            }
        } else {
            Map<Integer, Long> times = values(maps.get("@time"));
            Map<Integer, Long> counts = values(maps.get("@count"));
            for (int v = 0; v < VECTORS.size(); v++) {
                long n = counts.getOrDefault(v, 0L);
                if (n != 0) {
                    out.add(new Vector(v, VECTORS.get(v), times.getOrDefault(v, 0L), n, null));
                }
            }
        }
        return new Report(time, o, out);
    }

    private static Map<Integer, Long> values(MapDump map) {
        Map<Integer, Long> out = new HashMap<>();
        for (MapDump.Entry e : map.entries()) {
            if (!(e.key().getFirst() instanceof Value.Int k)) {
                throw new IllegalStateException(map.name() + " has a key that is not a vector number: " + e.key());
            }
            long v = switch (e.value()) {
                case MapValue.Sum s -> s.sum();
                case MapValue.Count c -> c.count();
                default -> throw new IllegalStateException(map.name() + " is not a sum() or count() map: " + e.value());
            };
            out.put((int) k.bits(), v);
        }
        return out;
    }

    /** The run: a report per interval; the figures' maps read as their growth since the previous one. */
    public static IntervalRun<Report> run(Options o, boolean timestamp) {
        List<String> maps = o.distribution() ? List.of("@hist") : List.of("@time", "@count");
        return new IntervalRun<>(ToolScript.of(Softirqs.class, "softirqs"), o.params(), maps, (read, time) -> {
            Map<String, MapDump> m = new HashMap<>();
            for (String name : maps) {
                m.put(name, read.apply(name));
            }
            return report(m, o, timestamp ? time : null);
        });
    }

    public static String header() {
        return "Tracing soft irq event time... Hit Ctrl-C to end.\n";
    }

    /**
     * One interval as softirqs.c prints it: a blank line, the time with -T, then
     * {@code SOFTIRQ TOTAL_usecs} rows ({@code %-16s %11llu}), with -C a {@code TOTAL_count} column
     * ({@code "  %11llu"}), or with -d {@code softirq = NAME}, the histogram and a blank line per vector.
     * Without -C the header is 0.26's, without the blank column later releases pad it with.
     */
    public static String text(Report r) {
        StringBuilder sb = new StringBuilder(HistText.intervalStart(r.time()));
        Options o = r.options();
        if (o.distribution()) {
            for (Vector v : r.vectors()) {
                sb.append("softirq = ").append(v.name()).append('\n').append(HistText.log2(v.hist(), o.unit())).append('\n');
            }
            return sb.toString();
        }
        if (o.count()) {
            sb.append(String.format(Locale.ROOT, "%-16s %-6s%-5s  %-11s\n", "SOFTIRQ", "TOTAL_", o.unit(), "TOTAL_count"));
        } else {
            sb.append(String.format(Locale.ROOT, "%-16s %6s%5s\n", "SOFTIRQ", "TOTAL_", o.unit()));
        }
        for (Vector v : r.vectors()) {
            sb.append(String.format(Locale.ROOT, "%-16s %11s", v.name(), Long.toUnsignedString(v.time())));
            if (o.count()) {
                sb.append(String.format(Locale.ROOT, "  %11s", Long.toUnsignedString(v.count())));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
