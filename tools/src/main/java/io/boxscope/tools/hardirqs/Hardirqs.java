package io.boxscope.tools.hardirqs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.hist.HistText;
import io.boxscope.tools.hist.IntervalRun;
import io.boxscope.tools.hist.KeyedHist;
import io.boxscope.tools.hist.Log2Hist;

/**
 * libbpf-tools' hardirqs (script {@code hardirqs.bt}), as the libbpf-tools 0.26 release installed
 * here prints it: per interrupt handler name (struct irqaction's name, the last column of
 * /proc/interrupts), the total time spent in the handler ({@code HARDIRQ TOTAL_usecs}), the number of
 * times it ran ({@code -C}, {@code HARDIRQ TOTAL_count}) or a log2 histogram of its times ({@code -d},
 * {@code hardirq = NAME}). Later libbpf-tools releases (after 0.31) reuse {@code -C} for a per-CPU
 * column and print count, total and maximum together; this follows the release users have.
 *
 * <p>Interrupts are not per container: a handler runs in whatever task the interrupt lands on, so
 * there is no container filter (libbpf-tools' {@code -c CG} filters on that interrupted task, which
 * says nothing about whom the interrupt was for).
 */
public final class Hardirqs {
    /** hardirqs.h MAX_SLOTS. */
    public static final int MAX_SLOTS = 20;

    private Hardirqs() {}

    /** What hardirqs reports per handler. */
    public enum Mode {
        /** Total time (default). */
        TIME,
        /** Events ({@code -C}). */
        COUNT,
        /** Log2 histogram of times ({@code -d}). */
        DISTRIBUTION
    }

    /**
     * hardirqs' options.
     *
     * @param mode        -C, -d or neither
     * @param nanoseconds -N (times in nanoseconds)
     */
    public record Options(Mode mode, boolean nanoseconds) {
        public String unit() {
            return nanoseconds ? "nsecs" : "usecs";
        }

        /** The script's $1 and $2. */
        public List<String> params() {
            return List.of(nanoseconds ? "1" : "1000", Integer.toString(mode.ordinal()));
        }
    }

    /**
     * One handler's figures in an interval.
     *
     * @param name  the handler's name (at most 31 characters, as libbpf-tools reads it)
     * @param value total time in the unit (TIME) or events (COUNT); 0 with DISTRIBUTION
     * @param hist  the histogram with DISTRIBUTION, else null
     */
    public record Irq(String name, long value, Log2Hist hist) {}

    /**
     * One interval.
     *
     * @param time local time {@code HH:MM:SS} with -T, else null
     * @param mode what the figures are
     * @param unit usecs or nsecs
     * @param irqs per handler, in the kernel map's order, as libbpf-tools print them
     */
    public record Report(String time, Mode mode, String unit, List<Irq> irqs) {
        public Report {
            irqs = List.copyOf(irqs);
        }
    }

    /** The interval's report from the script's maps ({@code @time}, {@code @count} or {@code @hist}). */
    public static Report report(MapDump map, Options o, String time) {
        List<Irq> irqs = new ArrayList<>();
        if (o.mode() == Mode.DISTRIBUTION) {
            for (KeyedHist k : KeyedHist.of(map, MAX_SLOTS)) {
                irqs.add(new Irq(k.stringKey(0), 0, k.hist()));
            }
        } else {
            for (MapDump.Entry e : map.entries()) {
                String name = e.key().getFirst() instanceof Value.Str s ? s.text() : String.valueOf(e.key().getFirst());
                long v = switch (e.value()) {
                    case MapValue.Sum s -> s.sum();
                    case MapValue.Count c -> c.count();
                    default -> throw new IllegalStateException(map.name() + " is not a sum() or count() map: " + e.value());
                };
                irqs.add(new Irq(name, v, null));
            }
        }
        return new Report(time, o.mode(), o.unit(), irqs);
    }

    /** The map holding {@code mode}'s figures. */
    static String map(Mode mode) {
        return switch (mode) {
            case TIME -> "@time";
            case COUNT -> "@count";
            case DISTRIBUTION -> "@hist";
        };
    }

    /** The run: a report per interval; the figures' map is emptied after each. */
    public static IntervalRun<Report> run(Options o, boolean timestamp) {
        String m = map(o.mode());
        return new IntervalRun<>(ToolScript.of(Hardirqs.class, "hardirqs"), o.params(), List.of(m),
                (maps, time) -> report(maps.apply(m), o, timestamp ? time : null));
    }

    /** hardirqs.c's first line ({@code -C} traces events, not time). */
    public static String header(Mode mode) {
        return mode == Mode.COUNT ? "Tracing hard irq events... Hit Ctrl-C to end.\n"
                : "Tracing hard irq event time... Hit Ctrl-C to end.\n";
    }

    /**
     * One interval as hardirqs.c 0.26 prints it: a blank line, the time with -T, then
     * {@code %-26s %11s} rows under {@code HARDIRQ TOTAL_usecs} (or {@code TOTAL_count}), or with -d
     * {@code hardirq = NAME} and its histogram per handler.
     */
    public static String text(Report r) {
        StringBuilder sb = new StringBuilder(HistText.intervalStart(r.time()));
        switch (r.mode()) {
            case COUNT -> sb.append(String.format(Locale.ROOT, "%-26s %11s\n", "HARDIRQ", "TOTAL_count"));
            case TIME -> sb.append(String.format(Locale.ROOT, "%-26s %6s%5s\n", "HARDIRQ", "TOTAL_", r.unit()));
            case DISTRIBUTION -> { }
        }
        for (Irq i : r.irqs()) {
            if (r.mode() == Mode.DISTRIBUTION) {
                sb.append("hardirq = ").append(i.name()).append('\n').append(HistText.log2(i.hist(), r.unit()));
            } else {
                sb.append(String.format(Locale.ROOT, "%-26s %11s\n", i.name(), Long.toUnsignedString(i.value())));
            }
        }
        return sb.toString();
    }
}
