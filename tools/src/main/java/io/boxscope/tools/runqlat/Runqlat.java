package io.boxscope.tools.runqlat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.Map;
import java.util.HashMap;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.hist.HistText;
import io.boxscope.tools.hist.IntervalRun;
import io.boxscope.tools.hist.KeyedHist;
import io.boxscope.tools.hist.Log2Hist;

/**
 * libbpf-tools' runqlat on the sched tracepoints (script {@code runqlat.bt}): how long runnable tasks
 * waited for a CPU, as log2 histograms, one in all or per process ({@code -P}) or thread ({@code -L}),
 * printed every interval as runqlat.c prints them.
 */
public final class Runqlat {
    /** runqlat.h MAX_SLOTS. */
    public static final int MAX_SLOTS = 26;

    private Runqlat() {}

    /** How runqlat groups: one histogram, per process (-P), per thread (-L). */
    public enum Group {
        ALL, PROCESS, THREAD
    }

    /**
     * runqlat's options.
     *
     * @param milliseconds -m
     * @param pid          -p PID, or null for every process
     * @param group        -P / -L
     */
    public record Options(boolean milliseconds, Integer pid, Group group) {
        public String unit() {
            return milliseconds ? "msecs" : "usecs";
        }

        /** The script's $1..$3. */
        public List<String> params() {
            return List.of(milliseconds ? "1000000" : "1000", pid == null ? "0" : Integer.toString(pid),
                    Integer.toString(group.ordinal()));
        }
    }

    /**
     * One histogram of an interval.
     *
     * @param id   process id (-P) or thread id (-L); -1 for the single histogram
     * @param comm the task's command name as the kernel saw it at its first latency (-P, -L), else null
     * @param hist the counts
     */
    public record TaskHist(long id, String comm, Log2Hist hist) {}

    /** One interval: local time {@code HH:MM:SS} with -T (else null), the unit, the histograms. */
    public record Report(String time, String unit, Group group, List<TaskHist> hists) {
        public Report {
            hists = List.copyOf(hists);
        }
    }

    /** The interval's report from the script's {@code @hist[id]} and {@code @comm[id]} maps. */
    public static Report report(MapDump hist, MapDump comm, Options options, String time) {
        return report(hist, comm, options.group(), options.unit(), MAX_SLOTS, time);
    }

    /**
     * A per-task report from a script's {@code @hist[id]} and {@code @comm[id]} maps in {@code maxSlots}
     * slots: runqlat's, and cpudist's, which prints the same layout.
     */
    public static Report report(MapDump hist, MapDump comm, Group group, String unit, int maxSlots, String time) {
        Map<Long, String> names = new HashMap<>();
        for (MapDump.Entry e : comm.entries()) {
            if (e.key().getFirst() instanceof Value.Int k && e.value() instanceof MapValue.Plain(Value.Str s)) {
                names.put(k.bits(), s.text());
            }
        }
        List<TaskHist> out = new ArrayList<>();
        for (KeyedHist k : KeyedHist.of(hist, maxSlots)) {
            long id = k.intKey(0);
            out.add(new TaskHist(id, group == Group.ALL ? null : names.getOrDefault(id, ""), k.hist()));
        }
        return new Report(time, unit, group, out);
    }

    /** The run: a report per interval of what {@code @hist} gained, named from {@code @comm} (pruned to {@code @hist}'s keys). */
    public static IntervalRun<Report> run(Options options, boolean timestamp) {
        return new IntervalRun<>(ToolScript.of(Runqlat.class, "runqlat"), options.params(), List.of("@hist", "@comm"),
                (maps, time) -> report(maps.apply("@hist"), maps.apply("@comm"), options, timestamp ? time : null));
    }

    public static String header() {
        return "Tracing run queue latency... Hit Ctrl-C to end.\n";
    }

    /** One interval as runqlat.c prints it: a blank line, the time with -T, then {@code pid = N comm} (-P) or {@code tid = ...} (-L) and each histogram. */
    public static String text(Report r) {
        return text(r, UnaryOperator.identity());
    }

    /**
     * {@link #text(Report)} with each command name through {@code escape} (the cli's terminal escape): a comm is
     * the task's to choose (prctl(PR_SET_NAME)), and one with a newline would otherwise print a line of its own.
     */
    public static String text(Report r, UnaryOperator<String> escape) {
        StringBuilder sb = new StringBuilder(HistText.intervalStart(r.time()));
        for (TaskHist h : r.hists()) {
            switch (r.group()) {
                case PROCESS -> sb.append("\npid = ").append(h.id()).append(' ').append(escape.apply(h.comm())).append('\n');
                case THREAD -> sb.append("\ntid = ").append(h.id()).append(' ').append(escape.apply(h.comm())).append('\n');
                case ALL -> { }
            }
            sb.append(HistText.log2(h.hist(), r.unit()));
        }
        return sb.toString();
    }
}
