package io.boxscope.bench.report;

import java.util.Locale;
import io.boxscope.bench.Histogram;
import io.boxscope.bench.Sizes;
import io.boxscope.bench.engine.Interval;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.engine.RunResult;
import io.boxscope.bench.engine.Workload;
import io.boxscope.bench.workload.MutexWorkload;
import io.boxscope.bench.workload.ThreadsWorkload;
import io.boxscope.bench.fileio.FileIoOptions;
import io.boxscope.bench.fileio.FileIoWorkload;
import io.boxscope.bench.workload.CpuWorkload;
import io.boxscope.bench.workload.MemoryWorkload;

/**
 * Text in sysbench 1.0.20's layout, line for line: the header, interval reports, the optional latency
 * histogram, the test's own figures, "General statistics", "Latency (ms)" and "Threads fairness", with
 * sysbench's printf formats, so scripts that parse sysbench output parse ours. Only the first line
 * names Boxscope; Boxscope's additions (cgroup limits, throttling) are separate blocks that scripts
 * looking for sysbench's lines skip.
 */
public final class SysbenchText {
    private SysbenchText() {}

    static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }

    /** From "Running the test with following options:" to the blank line after "Threads started!". */
    public static String header(Workload w, RunOptions o) {
        RunMode m = w instanceof FileIoWorkload f && f.options().validate()
                ? new RunMode(java.util.List.of(), false, true, 0, -1) : RunMode.DEFAULT;
        return runMode(o, m) + printMode(w, o.events()) + "Initializing worker threads...\n\nThreads started!\n\n";
    }

    /**
     * What sysbench's print_run_mode prints beyond the thread count, rate and interval: the sorted
     * --report-checkpoints, --debug, --validate, --rand-seed (0: from the current time) and the
     * --forced-shutdown deadline in seconds (negative: off).
     */
    public record RunMode(java.util.List<Integer> checkpoints, boolean debug, boolean validate, long randSeed,
            long forcedShutdownSeconds) {
        public static final RunMode DEFAULT = new RunMode(java.util.List.of(), false, false, 0, -1);

        public RunMode {
            checkpoints = java.util.List.copyOf(checkpoints);
        }
    }

    /** sysbench's print_run_mode: "Running the test with following options:" to the blank line before the test's lines. */
    public static String runMode(RunOptions o, RunMode m) {
        StringBuilder sb = new StringBuilder();
        sb.append("Running the test with following options:\n");
        sb.append("Number of threads: ").append(o.threads()).append('\n');
        if (o.rate() > 0) {
            sb.append(f("Target transaction rate: %s/sec\n", num(o.rate())));
        }
        if (o.reportInterval() > 0) {
            sb.append(f("Report intermediate results every %s second(s)\n", num(o.reportInterval())));
        }
        if (!m.checkpoints().isEmpty()) {
            sb.append("Report checkpoint(s) at ").append(String.join(", ", m.checkpoints().stream().map(String::valueOf).toList()))
                    .append(" seconds\n");
        }
        if (m.debug()) {
            sb.append("Debug mode enabled.\n\n");
        }
        if (m.validate()) {
            sb.append("Validation checks: on.\n\n");
        }
        if (m.randSeed() != 0) {
            sb.append("Initializing random number generator from seed (").append(m.randSeed()).append(").\n\n");
        } else {
            sb.append("Initializing random number generator from current time\n\n");
        }
        if (m.forcedShutdownSeconds() >= 0) {
            sb.append("Forcing shutdown in ").append(m.forcedShutdownSeconds()).append(" seconds\n");
        }
        sb.append('\n');
        return sb.toString();
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** The test's own header lines (sysbench's print_mode); {@code events} is --events (fileio prints it). */
    public static String printMode(Workload w, long events) {
        return switch (w) {
            case CpuWorkload c -> "Prime numbers limit: " + c.maxPrime() + "\n\n";
            case MemoryWorkload m -> "Running memory speed test with the following options:\n"
                    + "  block size: " + m.blockSize() / 1024 + "KiB\n"
                    + "  total size: " + m.totalSize() / 1024 / 1024 + "MiB\n"
                    + "  operation: " + MemoryWorkload.lower(m.oper()) + "\n"
                    + "  scope: " + MemoryWorkload.lower(m.scope()) + "\n\n";
            case FileIoWorkload fw -> fileioMode(fw.options(), events, fw.options().validate());
            case ThreadsWorkload t -> "";
            case MutexWorkload mx -> "";
        };
    }

    /** "Extra file open flags: ..." as sysbench prints it before fileio's other lines. */
    public static String extraFlags(FileIoOptions o) {
        var fl = o.extraFlags();
        return "Extra file open flags: " + (fl.isEmpty() ? "(none)" : "")
                + (fl.contains(FileIoOptions.ExtraFlag.SYNC) ? "sync " : "")
                + (fl.contains(FileIoOptions.ExtraFlag.DSYNC) ? "dsync " : "")
                + (fl.contains(FileIoOptions.ExtraFlag.DIRECT) ? "directio" : "") + "\n";
    }

    /**
     * The FATAL lines sysbench 1.0.20 prints when a block fails --validate (sb_fileio.c:
     * file_validate_buffer, then file_execute_event), without their "FATAL: " prefix.
     */
    public static java.util.List<String> validationFailure(io.boxscope.bench.fileio.ValidationException e) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        switch (e.mismatch()) {
            case io.boxscope.bench.fileio.BlockChecksum.Mismatch.Checksum c -> {
                lines.add("Checksum mismatch in block with offset: " + c.offset());
                lines.add(f("    Calculated value: 0x%x    Stored value: 0x%x", c.calculated(), c.stored()));
            }
            case io.boxscope.bench.fileio.BlockChecksum.Mismatch.Offset o -> {
                lines.add("Offset mismatch in block:");
                lines.add("   Actual offset: " + Long.toUnsignedString(o.actual()) + "    Stored offset: "
                        + Long.toUnsignedString(o.stored()));
            }
        }
        lines.add("Validation failed on file " + e.file() + ", block offset " + e.position() + ", exiting...");
        return lines;
    }

    /** fileio's print_mode; {@code validate} adds "Using checksums validation." as --validate does. */
    public static String fileioMode(FileIoOptions o, long events, boolean validate) {
        StringBuilder sb = new StringBuilder(extraFlags(o));
        sb.append(o.fileNum()).append(" files, ").append(Sizes.sysbenchUnits(o.fileSize())).append("B each\n");
        sb.append(Sizes.sysbenchUnits(o.fileSize() * o.fileNum())).append("B total file size\n");
        sb.append("Block size ").append(Sizes.sysbenchUnits(o.blockSize())).append("B\n");
        if (o.mergedRequests() > 0) {
            sb.append("Merging requests up to ").append(Sizes.sysbenchUnits(o.requestSize())).append("B for sequential IO.\n");
        }
        if (o.mode().random()) {
            sb.append("Number of IO requests: ").append(events).append('\n');
            sb.append(f("Read/Write ratio for combined random IO test: %2.2f\n", o.rwRatio()));
        }
        if (o.fsyncFreq() > 0) {
            sb.append("Periodic FSYNC enabled, calling fsync() each ").append(o.fsyncFreq()).append(" requests.\n");
        }
        if (o.fsyncEnd()) {
            sb.append("Calling fsync() at the end of test, Enabled.\n");
        }
        if (o.fsyncAll()) {
            sb.append("Calling fsync() after each write operation.\n");
        }
        sb.append("Using ").append(o.ioMode().description()).append(" I/O mode\n");
        if (validate) {
            sb.append("Using checksums validation.\n");
        }
        sb.append("Doing ").append(o.mode().description()).append(" test\n");
        return sb.toString();
    }

    /** One interval report line (two with --rate), as the test's report_intermediate prints it. */
    private static String eventsLine(String ts, Interval iv, RunOptions o) {
        return ts + f("thds: %d eps: %4.2f lat (ms,%d%%): %4.2f", iv.threads(), iv.eventsPerSecond(),
                o.percentile(), iv.latencyPercentileMs());
    }

    public static String interval(Workload w, Interval iv, RunOptions o) {
        String ts = f("[ %.0fs ] ", iv.elapsedSeconds());
        String line = switch (w) {
            case MemoryWorkload m -> ts + f("%4.2f MiB/sec", iv.events() * (double) m.blockSize() / 1048576.0
                    / iv.intervalSeconds());
            case FileIoWorkload fw -> ts + f("reads: %4.2f MiB/s writes: %4.2f MiB/s fsyncs: %4.2f/s latency (ms,%d%%): %4.3f",
                    iv.counters()[3] / 1048576.0 / iv.intervalSeconds(), iv.counters()[4] / 1048576.0 / iv.intervalSeconds(),
                    iv.counters()[2] / iv.intervalSeconds(), o.percentile(), iv.latencyPercentileMs());
            case CpuWorkload c -> eventsLine(ts, iv, o);
            case ThreadsWorkload t -> eventsLine(ts, iv, o);
            case MutexWorkload mx -> eventsLine(ts, iv, o);
        };
        String out = line + "\n";
        if (o.rate() > 0 && !(w instanceof MemoryWorkload) && !(w instanceof FileIoWorkload)) {
            out += ts + "queue length: " + iv.queueLength() + " concurrency: " + iv.concurrency() + "\n";
        }
        return out;
    }

    /** sysbench's --histogram block: non-empty buckets with a 40-character bar scaled to the largest. */
    public static String histogram(Histogram h) {
        StringBuilder sb = new StringBuilder();
        sb.append("Latency histogram (values are in milliseconds)\n");
        sb.append("       value  ------------- distribution ------------- count\n");
        long max = 0;
        for (int i = 0; i < Histogram.SIZE; i++) {
            max = Math.max(max, h.count(i));
        }
        for (int i = 0; i < Histogram.SIZE; i++) {
            long c = h.count(i);
            if (c == 0) {
                continue;
            }
            int bar = (int) Math.floor(c * 40.0 / max + 0.5);
            sb.append(f("%12.3f |%-40s %d\n", Histogram.value(i), "*".repeat(bar), c));
        }
        sb.append(" \n");
        return sb.toString();
    }

    /** The test's figures, then General statistics, Latency and Threads fairness, then a blank line. */
    public static String body(Workload w, RunResult r) {
        return body(w, r, r.seconds());
    }

    /**
     * The same, for a --report-checkpoints report: rates are over {@code r}'s own time (since the
     * previous checkpoint) while "total time" is {@code totalSeconds} since the run started, as in
     * sysbench's report_cumulative (time_interval against time_total).
     */
    public static String body(Workload w, RunResult r, double totalSeconds) {
        StringBuilder sb = new StringBuilder();
        double s = r.seconds();
        switch (w) {
            case CpuWorkload c -> sb.append(f("CPU speed:\n    events per second: %8.2f\n", r.eventsPerSecond()));
            case MemoryWorkload m -> {
                sb.append(f("Total operations: %d (%8.2f per second)\n\n", r.events(), r.events() / s));
                if (m.oper() != MemoryWorkload.Oper.NONE) {
                    double mb = r.events() * (double) m.blockSize() / 1048576.0;
                    sb.append(f("%4.2f MiB transferred (%4.2f MiB/sec)\n\n", mb, mb / s));
                }
            }
            case FileIoWorkload fw -> sb.append(f("\nFile operations:\n"
                    + "    reads/s:                      %4.2f\n"
                    + "    writes/s:                     %4.2f\n"
                    + "    fsyncs/s:                     %4.2f\n\n"
                    + "Throughput:\n"
                    + "    read, MiB/s:                  %4.2f\n"
                    + "    written, MiB/s:               %4.2f\n",
                    r.counter("reads") / s, r.counter("writes") / s, r.counter("fsyncs") / s,
                    r.counter("bytes_read") / 1048576.0 / s, r.counter("bytes_written") / 1048576.0 / s));
            case ThreadsWorkload t -> { }
            case MutexWorkload mx -> { }
        }
        sb.append("\nGeneral statistics:\n");
        sb.append(f("    total time:                          %.4fs\n", totalSeconds));
        sb.append(f("    total number of events:              %d\n", r.events()));
        sb.append("\nLatency (ms):\n");
        sb.append(f("         min:%40.2f\n", r.latencyMinMs()));
        sb.append(f("         avg:%40.2f\n", r.latencyAvgMs()));
        sb.append(f("         max:%40.2f\n", r.latencyMaxMs()));
        if (r.options().percentile() > 0) {
            sb.append(f("        %3dth percentile:%28.2f\n", r.options().percentile(), r.latencyPercentileMs()));
        } else {
            sb.append("         percentile stats:               disabled\n"); // sysbench.c report_cumulative
        }
        sb.append(f("         sum:%40.2f\n", r.latencySumMs()));
        int n = r.threadEvents().length;
        double[] ev = new double[n];
        double[] tm = new double[n];
        for (int i = 0; i < n; i++) {
            ev[i] = r.threadEvents()[i];
            tm[i] = r.threadNanos()[i] / 1e9;
        }
        double[] e = RunResult.meanStddev(ev);
        double[] t = RunResult.meanStddev(tm);
        sb.append("\nThreads fairness:\n");
        sb.append(f("    events (avg/stddev):           %.4f/%3.2f\n", e[0], e[1]));
        sb.append(f("    execution time (avg/stddev):   %.4f/%3.2f\n\n", t[0], t[1]));
        return sb.toString();
    }
}
