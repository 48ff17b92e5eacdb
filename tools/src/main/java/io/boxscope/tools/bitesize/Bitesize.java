package io.boxscope.tools.bitesize;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import io.boxscope.probe.output.MapDump;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.hist.HistText;
import io.boxscope.tools.hist.IntervalRun;
import io.boxscope.tools.hist.KeyedHist;
import io.boxscope.tools.hist.Log2Hist;

/**
 * libbpf-tools' bitesize on block_rq_issue (script {@code bitesize.bt}): the sizes of the block I/Os
 * each process name issues, as log2 histograms of Kbytes, printed as bitesize.c prints them.
 */
public final class Bitesize {
    /** bitesize.h MAX_SLOTS. */
    public static final int MAX_SLOTS = 20;

    private Bitesize() {}

    /**
     * bitesize's options.
     *
     * @param comm    -c COMM: only process names starting with it (bitesize.bpf.c compares the
     *                name's first strlen(COMM) characters), or null; applied when the map is read
     * @param diskDev -d DISK as the kernel's internal dev_t, or null
     */
    public record Options(String comm, Long diskDev) {
        public List<String> params() {
            return List.of(diskDev == null ? "0" : Long.toString(diskDev + 1));
        }
    }

    /** One process name's histogram. */
    public record CommHist(String comm, Log2Hist hist) {}

    /** One interval: local time with -T (else null), the histograms in the kernel map's order. */
    public record Report(String time, List<CommHist> hists) {
        public Report {
            hists = List.copyOf(hists);
        }
    }

    public static Report report(MapDump hist, Options o, String time) {
        List<CommHist> out = new ArrayList<>();
        for (KeyedHist k : KeyedHist.of(hist, MAX_SLOTS)) {
            String comm = k.stringKey(0);
            if (o.comm() == null || comm.startsWith(o.comm())) {
                out.add(new CommHist(comm, k.hist()));
            }
        }
        return new Report(time, out);
    }

    public static IntervalRun<Report> run(Options o, boolean timestamp) {
        return new IntervalRun<>(ToolScript.of(Bitesize.class, "bitesize"), o.params(), List.of("@hist"),
                (maps, time) -> report(maps.apply("@hist"), o, timestamp ? time : null));
    }

    public static String header() {
        return "Tracing block device I/O... Hit Ctrl-C to end.\n";
    }

    /** A blank line, the time with -T, then {@code Process Name = COMM} after a blank line and its histogram. */
    public static String text(Report r) {
        return text(r, UnaryOperator.identity());
    }

    /** {@link #text(Report)} with each command name through {@code escape} (a comm with a newline would forge a line). */
    public static String text(Report r, UnaryOperator<String> escape) {
        StringBuilder sb = new StringBuilder(HistText.intervalStart(r.time()));
        for (CommHist h : r.hists()) {
            sb.append("\nProcess Name = ").append(escape.apply(h.comm())).append('\n');
            sb.append(HistText.log2(h.hist(), "Kbytes"));
        }
        return sb.toString();
    }
}
