package io.boxscope.cli.trace;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.StopSignals;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.HostPaths;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.KernelFilter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.live.KernelChisel;
import io.boxscope.trace.live.LiveCapture;
import io.boxscope.trace.chisel.ChiselRuntimeException;
import io.boxscope.trace.chisel.TableChisel;
import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.CycleWriter;
import io.boxscope.trace.scap.RotationNames;
import java.time.ZoneId;

/**
 * {@code boxscope trace [FILTER]} without {@code -r}: live capture ({@link LiveCapture}). Prints sysdig's
 * line per event, or writes a capture file with {@code -w}; {@code -v} shows which part of the filter
 * the kernel decides and, at the end, the drops per CPU and the counts. Drops are always reported.
 */
final class TraceLiveCli {
    private TraceLiveCli() {}

    /** What the live capture was asked to do. */
    record Request(Path write, boolean compress, Long count, Long seconds, Integer snapLen, boolean verbose, boolean json,
                   Filter filter, HostPaths paths, TraceReadCli.Display display, Rotation rotation) {
        Request(Path write, boolean compress, Long count, Long seconds, Integer snapLen, boolean verbose, boolean json,
                Filter filter, HostPaths paths) {
            this(write, compress, count, seconds, snapLen, verbose, json, filter, paths, TraceReadCli.Display.DEFAULT,
                    Rotation.NONE);
        }
    }

    /** -C MB, -G SECONDS, -W COUNT (0: not given). */
    record Rotation(int mb, int seconds, int files) {
        static final Rotation NONE = new Rotation(0, 0, 0);

        /** Checks the values as sysdig does (its messages, with our usage exit code). */
        static Rotation of(Integer mb, Integer seconds, Integer files) {
            if (mb != null && mb <= 0) {
                throw new UsageException("invalid file size " + mb + ": -C takes a positive number of megabytes");
            }
            if (seconds != null && seconds <= 0) {
                throw new UsageException("invalid duration " + seconds + ": -G takes a positive number of seconds");
            }
            if (files != null && files <= 0) {
                throw new UsageException("invalid limit " + files + ": -W takes a positive number of files");
            }
            return new Rotation(mb == null ? 0 : mb, seconds == null ? 0 : seconds, files == null ? 0 : files);
        }

        boolean any() {
            return mb > 0 || seconds > 0 || files > 0;
        }
    }

    /** Prints the events (or feeds the chisel) as {@code -r} does, with the chisel's live intervals. */
    private static ChiselRuntimeException show(Terminal t, Request q, LiveCapture cap, StopSignals stop)
            throws IOException, InterruptedException {
        TraceReadCli.Display show = q.display();
        boolean terminal = io.boxscope.cli.CliCommand.stdoutIsTty();
        TraceDisplay display = new TraceDisplay(t, show, q.json(), true, terminal);
        long[] printed = {0};
        long[] lastTs = {0};
        cap.run(new LiveCapture.ViewSink() {
            @Override
            public boolean accept(ScapEvent e, EventView view, String line, long num) {
                lastTs[0] = e.ts();
                display.tick(e.ts());
                display.seen(view);
                display.event(e, view, line, num);
                if (display.done()) {
                    return false; // the chisel ended the capture (netstat, lsof, ps)
                }
                // checkError flushes: every 256 events, not a write(2) per line (a closed pipe still ends us)
                return (++printed[0] & 255) != 0 || !display.checkError();
            }

            @Override
            public void filtered(ScapEvent e, EventView view) {
                // sysdig's do_timeout sees the events its filter drops: the chisels' clocks move on them
                display.tick(e.ts());
                display.seen(view);
            }

            @Override
            public boolean idle(long now) {
                display.tick(now);
                display.idle(now);
                return !display.checkError();
            }
        }, new LiveCapture.Display(show.time(), show.buffers(), show.cutBuffers(), display.views()), stop::requested);
        if (display.failure() != null) {
            // sysdig writes the chisel's error when it happens, then runs the capture end
            display.checkError();
            t.err().println(Text.safe(display.failure().getMessage()));
            t.err().flush();
        }
        display.end(lastTs[0]);
        return display.failure();
    }

    /** The -w writer: one file, or rotated files named as sysdig names them. */
    private static CycleWriter writer(Terminal term, Request q, LiveCapture cap) throws IOException {
        if (StdoutCapture.isStdout(q.write())) {
            return CycleWriter.toStream(new StdoutCapture(term), q.compress(), () -> cap.tables());
        }
        Rotation r = q.rotation();
        RotationNames names = new RotationNames(q.write().toString(), r.mb(), r.seconds(), r.files(), 0);
        boolean[] opened = {false};
        return new CycleWriter(names, q.compress(), () -> {
            CaptureTables t = opened[0] ? cap.tablesNow(cap.tables()) : cap.tables();
            opened[0] = true;
            return t;
        }, ZoneId.systemDefault(), Path.of(""), System.currentTimeMillis() / 1000);
    }

    /** A live chisel that prints every interval (a table), shown without -w: a candidate for counting in the kernel. */
    private static boolean chiselInterval(Request q) {
        return q.write() == null && q.display().chisel() != null && q.display().chisel().liveIntervalNs() > 0;
    }

    private static boolean kernelChisel(Request q, PushDown.Split split) {
        return chiselInterval(q) && KernelChisel.whyNot(q.display().chisel(), split, q.count() == null ? 0 : q.count(), q.paths()) == null;
    }

    /** A table chisel counted in the kernel ({@link KernelChisel}): the same tables, every second and at the end. */
    private static int countInKernel(Terminal t, Request q, KernelFilter kernel)
            throws IOException, InterruptedException {
        PrintWriter out = t.out();
        PrintWriter err = t.err();
        boolean terminal = io.boxscope.cli.CliCommand.stdoutIsTty();
        try (StopSignals stop = StopSignals.install();
             KernelChisel counts = KernelChisel.start(q.paths(), (TableChisel) q.display().chisel(), kernel)) {
            if (q.verbose()) {
                err.println("capturing: counting in the kernel; Ctrl-C ends");
                err.flush();
            }
            TraceDisplay display = new TraceDisplay(t, q.display(), q.json(), true, terminal);
            // a closed pipe (| head -1) ends the counting at the next table's write, as a stop does (checkError flushes)
            long end = counts.run(display::tick, q.seconds() == null ? null : Duration.ofSeconds(q.seconds()),
                    () -> stop.requested() || out.checkError());
            display.end(end);
            if (out.checkError()) {
                return ExitCode.OK; // Main says a lost output (> /dev/full) and exits 1; a closed pipe is a normal end
            }
            KernelChisel.Summary s = counts.summary();
            if (q.verbose() || s.skipped() > 0) {
                err.println(io.boxscope.bpf.prog.ProgramInfo.skippedMessage(s.skipped()));
            }
            if (s.lost() > 0) {
                err.println("boxscope: " + s.lost() + " " + s.unit() + " were not counted in the table: the kernel's map of "
                        + s.capacity() + " " + s.keys() + " was full");
            }
            if (s.unnamed() > 0) {
                err.println("boxscope: " + s.unnamed() + " " + s.unit() + " were in cgroups whose container has no name"
                        + " (removed before it was looked up, or not known to its runtime): not in the table, as on the"
                        + " event stream");
            }
            if (s.names().any()) {
                err.println("boxscope: " + Text.safe(s.names().describe()));
            }
            if (q.verbose()) {
                err.println("Drops: none possible (counted in the kernel, nothing streamed)");
                err.println("Events: counted in the kernel: " + (s.countsCalls()
                        ? s.enters() + " system call entries, " + s.exits() + " exits, " + s.procExits() + " process exits"
                        : s.total() + " " + s.unit() + " (" + s.how() + ")"));
            }
            err.flush();
        }
        return ExitCode.OK;
    }

    static int capture(Terminal term, Request q) throws IOException, InterruptedException {
        PrintWriter out = term.out();
        PrintWriter err = term.err();
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
        if (q.rotation().any() && q.write() == null) {
            throw new UsageException("-C, -G and -W rotate the files of -w FILE: give -w");
        }
        if (q.rotation().any() && StdoutCapture.isStdout(q.write())) {
            throw new UsageException("-C, -G and -W rotate files: -w - writes one capture to standard output; give -w FILE");
        }
        List<String> problems = new ArrayList<>();
        KernelFilter kernel = KernelFilter.ANY;
        PushDown.Split split = null;
        if (q.filter() != null) {
            split = PushDown.split(q.filter(), SyscallTable.current(), EventTable.sysdig(),
                    new TraceFilterCli.LazyContainers(q.paths(), problems));
            kernel = split.kernel();
            if (q.verbose()) {
                err.print(Text.safeLines(split.describe()));
                if (!kernelChisel(q, split)) {
                    err.println("user space (Java) evaluates the whole filter again on what the kernel passes");
                }
            }
        } else if (q.verbose()) {
            err.println("filter: (none): the kernel passes every event");
        }
        for (String p : problems) {
            err.println("boxscope: " + Text.safe(p));
        }
        LiveCapture.Options opts = new LiveCapture.Options(q.paths(), q.filter(), kernel,
                q.snapLen() != null ? q.snapLen() // the user's -s, else what the chisel's Lua sets (set_snaplen)
                        : q.display().chisel() != null && q.display().chisel().snapLen() > 0
                        ? Math.max(LiveCapture.DEFAULT_SNAPLEN, q.display().chisel().snapLen()) : LiveCapture.DEFAULT_SNAPLEN,
                LiveCapture.defaultRingBytes(io.boxscope.bpf.sys.Cpus.online().size()),
                q.count() == null ? 0 : q.count(), q.seconds() == null ? null : Duration.ofSeconds(q.seconds()),
                q.write() == null);
        if (q.write() != null && q.display().chisel() != null) {
            throw new UsageException("-c runs a chisel over the events: it cannot be combined with -w");
        }
        if (q.count() != null && q.count() == 0) {
            return ExitCode.OK;
        }
        if (chiselInterval(q)) {
            String why = KernelChisel.whyNot(q.display().chisel(), split, q.count() == null ? 0 : q.count(), q.paths());
            if (q.verbose()) {
                err.println("chisel " + q.display().chisel().info().name() + ": " + (why == null
                        ? "counted in the kernel (per-CPU BPF counters, read every second; no event is streamed)"
                        : "runs on the event stream in Java: " + Text.safe(why)));
                if (why == null && split != null && split.javaEvaluates()) {
                    err.println("chisel " + q.display().chisel().info().name() + ": the container terms are decided in the kernel"
                            + " by the cgroup ids of the containers running now; a container of that name started later is"
                            + " not counted");
                }
            }
            if (why == null) {
                return countInKernel(term, q, kernel);
            }
            if (q.display().chisel() instanceof TableChisel t && t.spec().filter().equals(io.boxscope.trace.chisel.Chisels.PROCINFO)) {
                err.println("boxscope: " + q.display().chisel().info().name() + " on the event stream sums the driver's"
                        + " procinfo events, which a live capture does not produce: its tables stay empty (" + Text.safe(why)
                        + "; it is counted in the kernel without -pc, -n and filter terms only Java decides)");
            }
        }
        try (StopSignals stop = StopSignals.install(); LiveCapture cap = LiveCapture.start(opts);
             CycleWriter writer = q.write() == null ? null : writer(term, q, cap)) {
            if (q.verbose()) {
                err.println(attachLine(cap.typedRegs()));
                err.println(cap.ringLayout());
                if (cap.execFallback() != null) {
                    err.println(Text.safe(cap.execFallback()));
                }
                err.println("capturing: " + cap.summary().threads() + " threads in the table; Ctrl-C ends");
                err.flush();
            } else if (cap.sharedRingFallback()) {
                err.println("boxscope: " + cap.ringLayout()); // the one line that says the per-CPU rings were refused
                err.flush();
            }
            // a chisel's error (written by show) still leaves the counted losses to say below; then exit 1
            boolean chiselFailed = false;
            if (writer != null) {
                cap.write(writer, stop::requested);
                if (q.display().resetColours()) {
                    // sysdig.cpp: the live -w loop ends in handle_end_of_file too, which writes \e[00m to standard output
                    // when reset_colors is set (a terminal; a -p format holding \e), though no event was printed
                    out.print("\u001b[00m");
                }
            } else {
                chiselFailed = show(term, q, cap, stop) != null;
            }
            out.flush();
            if (out.checkError()) {
                return ExitCode.OK; // Main says a lost output (> /dev/full) and exits 1; a closed pipe is a normal end
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
                // what the kernel produced, whole: every record is read or counted as dropped
                err.println(d.append("; of ").append(s.produced()).append(" records the kernel produced, ")
                        .append(s.records()).append(" read and ").append(s.drops()).append(" dropped"));
            }
            if (s.leftAtStop() > 0 || q.verbose() && writer != null) {
                err.println("Stop: " + s.leftAtStop() + " records left in the ring at the stop and still unread "
                        + LiveCapture.STOP_GRACE_NS / 1_000_000_000L + " s after it, or behind a record still being"
                        + " written then, were counted, not " + (writer != null ? "written" : "shown"));
            }
            if (writer != null && writer.overfullHeaders() > 0) {
                long n = writer.overfullHeaders();
                err.println("boxscope: the process and fd tables at the start of " + n + (n == 1 ? " file" : " files")
                        + " took more than -C " + q.rotation().mb() + " MB (up to " + writer.largestHeader() + " bytes): "
                        + (n == 1 ? "that file holds" : "each of them holds") + " one event, the next one starting a new file,"
                        + " as sysdig's rotation does (use a larger -C)");
            }
            if (q.verbose() && writer != null && q.rotation().any()) {
                err.println("Files: " + Text.safe(String.join(" ", writer.files().stream().map(Path::toString).toList())));
            }
            if (q.verbose()) {
                err.println("Events: " + s.records() + " records from the kernel, " + s.events() + " events, "
                        + s.matched() + " matched the filter; the consumer used "
                        + String.format(java.util.Locale.ROOT, "%.1f", s.consumerCpuNs() / 1e6) + " ms of CPU ("
                        + (s.records() == 0 ? 0 : s.consumerCpuNs() / s.records()) + " ns per record)");
                // calls the push-down left out but whose state later events are named from (docs/trace.md "State-only records")
                err.println("State: " + cap.stateEvents() + " state-only events (calls the pushed-down filter leaves out that"
                        + " build fd or thread state: applied, " + (writer != null ? "written state-only" : "not shown") + ")");
            }
            if (q.verbose() || s.truncatedLists() > 0) {
                err.println("Truncated: " + s.truncatedLists() + " events kept only the first pollfds (1024) or iovecs ("
                        + "255) of a longer list, or data cut short of the snap length by the copy of the first "
                        + io.boxscope.trace.live.LiveCapture.IOV_COPY + " iovecs");
            }
            if (q.verbose()) {
                err.println("Exec limits: " + s.fdLimitFromProc() + " execve exits took fdlimit from /proc (not read at the exec)");
                err.println("Exec paths: " + s.pathsFromProc() + " execs took their exe path or cwd from /proc (the kernel's"
                        + " walk from the task did not reach a root)");
                err.println("Cgroups: " + s.cgroupsUnknown() + " fork or exec records named a cgroup gone before they were"
                        + " read (the process kept the cgroups /proc or its parent gave); " + s.cgroupsForgotten()
                        + " such ids forgotten to bound their cache; " + s.cgroupDirsUnreadable()
                        + " directories of the v2 hierarchy could not be read at its last walk");
            }
            if (s.badRecords() > 0) {
                err.println("boxscope: skipped " + s.badRecords() + " malformed records from the kernel");
            }
            if (q.verbose() || s.faultDrops() > 0) {
                err.println("Page faults: " + s.faultDrops() + " system call exits not " + (writer != null ? "written" : "shown")
                        + ": the structure they copy from the caller (quotactl's addr) could not be read, where sysdig's"
                        + " driver loses the exit and counts a page-fault drop; their entries are kept");
            }
            if (s.names().any()) {
                err.println("boxscope: " + Text.safe(s.names().describe()));
            }
            err.flush();
            return chiselFailed ? ExitCode.FAILURE : ExitCode.OK;
        } catch (IOException | UncheckedIOException e) {
            if (!StdoutCapture.closed(e)) {
                throw e;
            }
            // -w -: standard output failed (its header or an event); Main says a lost output (> /dev/full) and exits 1,
            // a closed pipe is a normal end
            return ExitCode.OK;
        }
    }

    /**
     * -v: how the system call programs attached. tp_btf where the kernel loads the pair (the pt_regs pointer is
     * typed, so the number and arguments are plain loads, as libs' modern probe reads them), raw tracepoints
     * otherwise (one bpf_probe_read_kernel per read): the difference shows in the per-program cost.
     */
    static String attachLine(boolean typedRegs) {
        return typedRegs
                ? "attached: sys_enter and sys_exit as tp_btf programs (typed pt_regs: number and arguments are plain loads)"
                : "attached: sys_enter and sys_exit as raw tracepoint programs (tp_btf did not load here: pt_regs is read"
                        + " with bpf_probe_read_kernel)";
    }
}
