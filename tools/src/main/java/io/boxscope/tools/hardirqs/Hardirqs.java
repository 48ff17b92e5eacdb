package io.boxscope.tools.hardirqs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Function;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.proc.HostPaths;
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
     * Runs of one handler that the kernel counted in /proc/interrupts and that are not in the figures.
     *
     * @param name the handler's name
     * @param runs at least this many runs the programs did not see
     */
    public record Unseen(String name, long runs) {}

    /**
     * The interval's figures against the kernel's own count of each handler's runs ({@link KernelCounts}): a
     * lower bound of the runs the BPF programs did not run for (docs/tools.md, hardirqs).
     */
    public sealed interface KernelCheck {
        /**
         * Compared.
         *
         * @param unseen     per handler with runs the figures miss, in /proc/interrupts' order
         * @param notChecked handlers not compared: on a shared line (one event runs every handler), a name
         *                   cut at 31 characters or not printable ASCII, or a line freed during the interval
         * @param inFlight   handler runs whose entry the programs saw and whose exit they had not when the figures
         *                   were read (the script's {@code @start} entries then; at the end, handlers still running
         *                   when the programs were detached): counted by the kernel, not yet in the figures, so up
         *                   to this many of {@link #unseen} may be runs the programs did see (TIME and DISTRIBUTION;
         *                   0 with -C, which counts at entry)
         */
        record Checked(List<Unseen> unseen, int notChecked, long inFlight) implements KernelCheck {
            public Checked {
                unseen = List.copyOf(unseen);
            }

            /** Compared with no run in flight. */
            public Checked(List<Unseen> unseen, int notChecked) {
                this(unseen, notChecked, 0);
            }

            /** Runs the programs did not run for at all: {@link #total()} less the runs in flight, at least. */
            public long missedAtLeast() {
                return Math.max(0, total() - inFlight);
            }

            /** Runs the programs did not see, over every handler compared. */
            public long total() {
                long n = 0;
                for (Unseen u : unseen) {
                    n += u.runs();
                }
                return n;
            }
        }

        /**
         * /proc/interrupts could not be read or parsed: nothing compared.
         *
         * @param reason what failed
         * @param first  true for the first report that says so (the text view says it once)
         */
        record Unreadable(String reason, boolean first) implements KernelCheck {}
    }

    /**
     * One interval.
     *
     * <p>Besides the figures, the script counts every run of its two programs in unkeyed per-CPU counters
     * ({@code @entries}, {@code @exits}) and the exits that found no start time ({@code @unmatched}). A handler
     * run that reached the programs but is missing from the per-handler figures is then counted, not lost:
     * {@link #unattributed}. This was seen (docs/tools.md, hardirqs): under load the name-keyed per-CPU hash
     * maps lost a few increments that the unkeyed counters of the same program runs kept, with no failed
     * update and no recursion miss reported, and libbpf-tools' hardirqs (its own hash map) lost the same
     * events in the same window, while perf counted every one on the same tracepoint.
     *
     * @param time      local time {@code HH:MM:SS} with -T, else null
     * @param mode      what the figures are
     * @param unit      usecs or nsecs
     * @param irqs      per handler, in the kernel map's order, as libbpf-tools print them
     * @param entries   runs of the irq_handler_entry program in the interval
     * @param exits     runs of the irq_handler_exit program in the interval
     * @param unmatched TIME and DISTRIBUTION: exits with no start time on their CPU (the handler began before
     *                  tracing did, or the entry program did not run for it): runs not timed; 0 with COUNT
     * @param attributed handler runs the per-handler figures hold (COUNT: the counts; DISTRIBUTION: the
     *                  histograms' totals; TIME: the runs summed)
     * @param kernel    the figures against /proc/interrupts: runs the programs did not see
     */
    public record Report(String time, Mode mode, String unit, List<Irq> irqs, long entries, long exits, long unmatched,
                         long attributed, KernelCheck kernel) {
        public Report {
            irqs = List.copyOf(irqs);
        }

        /** Figures alone, nothing counted or compared besides them (the text of the figures, and its tests). */
        public Report(String time, Mode mode, String unit, List<Irq> irqs) {
            this(time, mode, unit, irqs, 0, 0, 0, 0, new KernelCheck.Checked(List.of(), 0));
        }

        /**
         * Handler runs the programs saw that are in no handler's figures: COUNT, entries beyond the counts;
         * TIME and DISTRIBUTION, timed exits (exits less unmatched) beyond the runs in the figures. Exact for
         * the report at the end (everything detached before the maps are read); in an interval the counters
         * are read before the figures while the programs run, so runs during the reads can hide as many
         * missing ones (never a false count).
         */
        public long unattributed() {
            long handled = mode == Mode.COUNT ? entries : exits - unmatched;
            return Math.max(0, handled - attributed);
        }
    }

    /** The script's counters, read as their growth with the figures every interval. */
    static final List<String> COUNTERS = List.of("@entries", "@exits", "@unmatched");

    /** The interval's report from the script's maps: the figures' ({@code @time}, {@code @count} or {@code @hist}) and the {@link #COUNTERS}. */
    public static Report report(Function<String, MapDump> maps, Options o, String time) {
        return report(maps, o, time, null);
    }

    /** {@link #report(Function, Options, String)}, compared with {@code kernel}'s window (null: not compared). */
    static Report report(Function<String, MapDump> maps, Options o, String time, KernelCounts kernel) {
        // While the programs run (an interval), the maps are read one after the other: the counters first, so
        // runs during the reads land in the figures, not in the counters alone, and are never reported as
        // missing from the figures (IntervalRun reads each map's growth once per report, in the order asked). At the end everything is detached before the maps are read.
        long entries = count(maps.apply("@entries"));
        long exits = count(maps.apply("@exits"));
        long unmatched = o.mode() == Mode.COUNT ? 0 : count(maps.apply("@unmatched"));
        MapDump figures = maps.apply(map(o.mode()));
        Report r = report(figures, o, time);
        // read after the figures: a handler whose entry set its CPU's start time and whose exit had not run (or, at the
        // end, was detached before it ran) is in the kernel's count and not in the figures (KernelCheck.Checked)
        long inFlight = o.mode() == Mode.COUNT ? 0 : maps.apply("@start").entries().size();
        KernelCheck check = kernel == null ? r.kernel() : kernel.check(runs(figures, o.mode()), inFlight);
        return new Report(r.time(), r.mode(), r.unit(), r.irqs(), entries, exits, unmatched, r.attributed(), check);
    }

    /** Runs per handler name in the figures' map (the names as the script cut them). */
    static Map<String, Long> runs(MapDump map, Mode mode) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (mode == Mode.DISTRIBUTION) {
            for (KeyedHist k : KeyedHist.of(map, MAX_SLOTS)) {
                out.merge(k.stringKey(0), k.hist().total(), Long::sum);
            }
            return out;
        }
        for (MapDump.Entry e : map.entries()) {
            out.merge(name(e), switch (e.value()) {
                case MapValue.Stats st -> st.count();
                case MapValue.Count c -> c.count();
                default -> throw new IllegalStateException(map.name() + " is not a stats() or count() map: " + e.value());
            }, Long::sum);
        }
        return out;
    }

    private static String name(MapDump.Entry e) {
        return e.key().getFirst() instanceof Value.Str s ? s.text() : String.valueOf(e.key().getFirst());
    }

    /** An unkeyed count() map's value; 0 when nothing was counted (the map has no entry). */
    static long count(MapDump map) {
        long n = 0;
        for (MapDump.Entry e : map.entries()) {
            if (!(e.value() instanceof MapValue.Count c)) {
                throw new IllegalStateException(map.name() + " is not a count() map: " + e.value());
            }
            n += c.count();
        }
        return n;
    }

    /** The figures of one interval from the figures' map alone (@time: stats(), @count: count(), @hist: hist()). */
    public static Report report(MapDump map, Options o, String time) {
        List<Irq> irqs = new ArrayList<>();
        long runs = 0;
        if (o.mode() == Mode.DISTRIBUTION) {
            for (KeyedHist k : KeyedHist.of(map, MAX_SLOTS)) {
                irqs.add(new Irq(k.stringKey(0), 0, k.hist()));
                runs += k.hist().total();
            }
        } else {
            for (MapDump.Entry e : map.entries()) {
                String name = name(e);
                long[] v = switch (e.value()) {
                    case MapValue.Stats s -> new long[] {s.total(), s.count()};
                    case MapValue.Count c -> new long[] {c.count(), c.count()};
                    default -> throw new IllegalStateException(map.name() + " is not a stats() or count() map: " + e.value());
                };
                irqs.add(new Irq(name, v[0], null));
                runs += v[1];
            }
        }
        return new Report(time, o.mode(), o.unit(), irqs, 0, 0, 0, runs, new KernelCheck.Checked(List.of(), 0));
    }

    /**
     * The line the commands print on standard error when runs were traced but are not in the figures (nothing when
     * none): how many, and why each kind is missing.
     */
    public static String missedMessage(Report r) {
        String kernel = switch (r.kernel()) {
            case KernelCheck.Checked c when c.missedAtLeast() > 0 -> {
                StringBuilder sb = new StringBuilder("hardirqs: ").append(c.total())
                        .append(c.total() == 1 ? " interrupt" : " interrupts")
                        .append(" counted by the kernel (/proc/interrupts)")
                        .append(c.total() == 1 ? " was" : " were").append(" not seen by the probes (");
                for (int i = 0; i < c.unseen().size(); i++) {
                    sb.append(i > 0 ? ", " : "").append(c.unseen().get(i).name()).append(' ').append(c.unseen().get(i).runs());
                }
                if (c.inFlight() == 0) {
                    yield sb.append("): the BPF programs did not run for ").append(c.total() == 1 ? "it" : "them")
                            .append("; see docs/tools.md\n").toString();
                }
                yield sb.append("): the BPF programs did not run for at least ").append(c.missedAtLeast()).append(" (")
                        .append(c.inFlight()).append(c.inFlight() == 1 ? " handler was" : " handlers were")
                        .append(" still running when the figures were read); see docs/tools.md\n").toString();
            }
            case KernelCheck.Checked c -> "";
            case KernelCheck.Unreadable u when u.first() -> "hardirqs: cannot compare with the kernel's counts ("
                    + u.reason() + "): interrupts the probes did not see are not counted; see docs/tools.md\n";
            case KernelCheck.Unreadable u -> "";
        };
        long u = r.unattributed();
        if (r.unmatched() == 0 && u == 0) {
            return kernel;
        }
        StringBuilder sb = new StringBuilder(kernel).append("hardirqs: ");
        if (r.unmatched() > 0) {
            sb.append(r.unmatched()).append(r.unmatched() == 1 ? " handler run" : " handler runs")
                    .append(" not timed (its entry was not seen: it began before tracing did, or the entry program did not run)");
        }
        if (u > 0) {
            sb.append(r.unmatched() > 0 ? "; " : "").append(u).append(u == 1 ? " handler run" : " handler runs")
                    .append(" traced but missing from the per-handler figures (see docs/tools.md, hardirqs)");
        }
        return sb.append('\n').toString();
    }

    /** The map holding {@code mode}'s figures. */
    static String map(Mode mode) {
        return switch (mode) {
            case TIME -> "@time";
            case COUNT -> "@count";
            case DISTRIBUTION -> "@hist";
        };
    }

    /**
     * The run: a report per interval of what the figures' map gained since the previous one. {@code paths}' /proc/interrupts
     * is read at the edges of each interval's window (after the maps were read, and before they are read again) to
     * count the runs the programs did not see ({@link KernelCheck}).
     */
    public static IntervalRun<Report> run(Options o, boolean timestamp, HostPaths paths) {
        List<String> cleared = new ArrayList<>(COUNTERS);
        cleared.addFirst(map(o.mode()));
        KernelCounts kernel = new KernelCounts(paths);
        return new IntervalRun<>(ToolScript.of(Hardirqs.class, "hardirqs"), o.params(), cleared,
                (maps, time) -> report(maps, o, timestamp ? time : null, kernel), kernel);
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
