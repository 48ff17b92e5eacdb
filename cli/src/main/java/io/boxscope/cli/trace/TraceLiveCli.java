package io.boxscope.cli.trace;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.StopSignals;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.json.Json;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.KernelFilter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.live.LiveCapture;
import io.boxscope.trace.scap.ScapWriter;

/**
 * {@code boxscope trace [FILTER]} without {@code -r}: live capture ({@link LiveCapture}). Prints sysdig's
 * line per event, or writes a capture file with {@code -w}; {@code -v} shows which part of the filter
 * the kernel decides and, at the end, the drops per CPU and the counts. Drops are always reported.
 */
final class TraceLiveCli {
    private TraceLiveCli() {}

    /** What the live capture was asked to do. */
    record Request(Path write, boolean compress, Long count, Long seconds, Integer snapLen, boolean verbose, boolean json,
                   Filter filter, HostPaths paths) {}

    static int capture(PrintWriter out, PrintWriter err, Request q) throws IOException, InterruptedException {
        if (q.count() != null && q.count() < 0) {
            throw new UsageException("-n takes a non-negative number of events");
        }
        if (q.seconds() != null && q.seconds() <= 0) {
            throw new UsageException("-M takes a positive number of seconds");
        }
        if (q.snapLen() != null && (q.snapLen() < 0 || q.snapLen() > io.boxscope.trace.live.CaptureProbe.BLOB_MAX)) {
            throw new UsageException("-s takes 0 to " + io.boxscope.trace.live.CaptureProbe.BLOB_MAX + " bytes");
        }
        if (q.compress() && q.write() == null) {
            throw new UsageException("-z needs -w FILE");
        }
        List<String> problems = new ArrayList<>();
        KernelFilter kernel = KernelFilter.ANY;
        if (q.filter() != null) {
            PushDown.Split split = PushDown.split(q.filter(), SyscallTable.current(), EventTable.sysdig(),
                    new TraceFilterCli.LazyContainers(q.paths(), problems));
            kernel = split.kernel();
            if (q.verbose()) {
                err.print(Text.safeLines(split.describe()));
                err.println("user space (Java) evaluates the whole filter again on what the kernel passes");
            }
        } else if (q.verbose()) {
            err.println("filter: (none): the kernel passes every event");
        }
        for (String p : problems) {
            err.println("boxscope trace: " + Text.safe(p));
        }
        LiveCapture.Options opts = new LiveCapture.Options(q.paths(), q.filter(), kernel,
                q.snapLen() == null ? LiveCapture.DEFAULT_SNAPLEN : q.snapLen(), LiveCapture.DEFAULT_RING_BYTES,
                q.count() == null ? 0 : q.count(), q.seconds() == null ? null : Duration.ofSeconds(q.seconds()),
                q.write() == null);
        if (q.count() != null && q.count() == 0) {
            return ExitCode.OK;
        }
        try (StopSignals stop = StopSignals.install(); LiveCapture cap = LiveCapture.start(opts);
             ScapWriter writer = q.write() == null ? null : ScapWriter.create(q.write(), cap.tables(), q.compress())) {
            if (q.verbose()) {
                err.println("capturing: " + cap.summary().threads() + " threads in the table; Ctrl-C ends");
                err.flush();
            }
            long[] printed = {0};
            cap.run((e, line, num) -> {
                if (writer != null) {
                    writer.write(e); // state-only events too: sysdig -r needs them for the process fields
                } else if (line != null) {
                    out.println(q.json() ? Json.write(TraceReadCli.jsonOf(num, e, line)) : Text.safe(line));
                    // checkError flushes: every 256 lines, not a write(2) per line (a closed pipe still ends us)
                    if ((++printed[0] & 255) == 0 && out.checkError()) {
                        return false;
                    }
                }
                return true;
            }, stop::requested);
            out.flush();
            if (out.checkError()) {
                return ExitCode.FAILURE;
            }
            LiveCapture.Summary s = cap.summary();
            if (writer != null) {
                writer.writeDrops(System.currentTimeMillis() * 1_000_000L, s.dropsPerCpu());
            }
            long skipped = cap.skipped();
            if (q.verbose() || skipped > 0) {
                err.println(io.boxscope.bpf.prog.ProgramInfo.skippedMessage(skipped));
            }
            if (q.verbose() || s.drops() > 0) {
                StringBuilder d = new StringBuilder("Drops: total=" + s.drops());
                for (int c = 0; c < s.dropsPerCpu().length; c++) {
                    d.append(" cpu").append(c).append('=').append(s.dropsPerCpu()[c]);
                }
                err.println(d);
            }
            if (q.verbose()) {
                err.println("Events: " + s.records() + " records from the kernel, " + s.events() + " events, "
                        + s.matched() + " matched the filter");
            }
            if (s.badRecords() > 0) {
                err.println("boxscope trace: skipped " + s.badRecords() + " malformed records from the kernel");
            }
            err.flush();
        }
        return ExitCode.OK;
    }
}
