package io.boxscope.tools.cpudist;

import java.util.List;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.hist.IntervalRun;
import io.boxscope.tools.runqlat.Runqlat;

/**
 * libbpf-tools' cpudist on sched_switch (script {@code cpudist.bt}): on-CPU time per switch (or
 * off-CPU time, {@code -O}) as log2 histograms, one in all or per process ({@code -P}) or thread
 * ({@code -L}). cpudist.c prints exactly runqlat.c's layout ({@code pid = N comm} labels, the same
 * interval loop), so the report and its text are {@link Runqlat}'s.
 */
public final class Cpudist {
    /** cpudist.h MAX_SLOTS. */
    public static final int MAX_SLOTS = 36;

    private Cpudist() {}

    /**
     * cpudist's options.
     *
     * @param milliseconds -m
     * @param pid          -p PID, or null
     * @param group        -P / -L
     * @param offCpu       -O
     */
    public record Options(boolean milliseconds, Integer pid, Runqlat.Group group, boolean offCpu) {
        public String unit() {
            return milliseconds ? "msecs" : "usecs";
        }

        /** The script's $1..$4. */
        public List<String> params() {
            return List.of(milliseconds ? "1000000" : "1000", pid == null ? "0" : Integer.toString(pid),
                    Integer.toString(group.ordinal()), offCpu ? "1" : "0");
        }
    }

    public static IntervalRun<Runqlat.Report> run(Options o, boolean timestamp) {
        return new IntervalRun<>(ToolScript.of(Cpudist.class, "cpudist"), o.params(), List.of("@hist", "@comm"),
                (maps, time) -> Runqlat.report(maps.apply("@hist"), maps.apply("@comm"), o.group(), o.unit(), MAX_SLOTS,
                        timestamp ? time : null));
    }

    /** {@code Tracing on-CPU time... Hit Ctrl-C to end.} (off-CPU with -O). */
    public static String header(boolean offCpu) {
        return "Tracing " + (offCpu ? "off" : "on") + "-CPU time... Hit Ctrl-C to end.\n";
    }
}
