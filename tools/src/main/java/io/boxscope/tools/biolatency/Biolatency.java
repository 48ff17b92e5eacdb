package io.boxscope.tools.biolatency;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.output.MapDump;
import io.boxscope.proc.Partitions;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.hist.HistText;
import io.boxscope.tools.hist.IntervalRun;
import io.boxscope.tools.hist.KeyedHist;
import io.boxscope.tools.hist.Log2Hist;

/**
 * libbpf-tools' biolatency on the block tracepoints (script {@code biolatency.bt}): block I/O latency
 * from issue (or insert, {@code -Q}) to completion as log2 histograms, per disk ({@code -D}) and per
 * flag set ({@code -F}), printed every interval as biolatency.c prints them.
 */
public final class Biolatency {
    /** biolatency.h MAX_SLOTS. */
    public static final int MAX_SLOTS = 27;

    private Biolatency() {}

    /**
     * biolatency's options.
     *
     * @param queued       -Q: from block_rq_insert (OS queued time included)
     * @param perDisk      -D
     * @param perFlag      -F
     * @param milliseconds -m
     * @param diskDev      -d DISK as the kernel's internal dev_t, or null for every disk
     */
    public record Options(boolean queued, boolean perDisk, boolean perFlag, boolean milliseconds, Long diskDev) {
        public String unit() {
            return milliseconds ? "msecs" : "usecs";
        }

        /** The script's $1..$5. */
        public List<String> params() {
            return List.of(milliseconds ? "1000000" : "1000", queued ? "1" : "0",
                    diskDev == null ? "0" : Long.toString(diskDev + 1), perDisk ? "1" : "0", perFlag ? "1" : "0");
        }
    }

    /**
     * One histogram of an interval.
     *
     * @param disk  the disk's name with -D ("Unknown" when /proc/partitions does not list it), else null
     * @param flags the flags text with -F ({@link RwbsFlags}), else null
     * @param hist  the counts
     */
    public record DiskHist(String disk, String flags, Log2Hist hist) {}

    /**
     * One interval's histograms.
     *
     * @param time  the local time {@code HH:MM:SS} with -T, else null
     * @param unit  usecs or msecs
     * @param hists the histograms in the kernel map's order, as libbpf-tools print them
     */
    public record Report(String time, String unit, List<DiskHist> hists) {
        public Report {
            hists = List.copyOf(hists);
        }
    }

    /** The interval's report from the script's {@code @hist[dev, rwbs]} map. */
    public static Report report(MapDump hist, Options options, Partitions partitions, String time) {
        List<DiskHist> out = new ArrayList<>();
        for (KeyedHist k : KeyedHist.of(hist, MAX_SLOTS)) {
            String disk = options.perDisk() ? partitions.name(k.intKey(0)).orElse("Unknown") : null;
            String flags = options.perFlag() ? RwbsFlags.text(k.stringKey(1)) : null;
            out.add(new DiskHist(disk, flags, k.hist()));
        }
        return new Report(time, options.unit(), out);
    }

    /** The run: the script with these options, a report per interval of what {@code @hist} gained since the previous one. */
    public static IntervalRun<Report> run(Options options, Partitions partitions, boolean timestamp) {
        return new IntervalRun<>(ToolScript.of(Biolatency.class, "biolatency"), options.params(), List.of("@hist"),
                (maps, time) -> report(maps.apply("@hist"), options, partitions, timestamp ? time : null));
    }

    /** {@code Tracing block device I/O... Hit Ctrl-C to end.} */
    public static String header() {
        return "Tracing block device I/O... Hit Ctrl-C to end.\n";
    }

    /**
     * One interval as biolatency.c's main loop and {@code print_log2_hists} print it: a blank line, the
     * time with -T, then per histogram a line {@code disk = NAME\t} (-D) and/or {@code flags = ...} (-F)
     * or an empty line, and the histogram.
     */
    public static String text(Report r) {
        StringBuilder sb = new StringBuilder(HistText.intervalStart(r.time()));
        for (DiskHist h : r.hists()) {
            if (h.disk() != null) {
                sb.append("\ndisk = ").append(h.disk()).append('\t');
            }
            if (h.flags() != null) {
                sb.append("flags = ").append(h.flags());
            }
            sb.append('\n');
            sb.append(HistText.log2(h.hist(), r.unit()));
        }
        return sb.toString();
    }
}
