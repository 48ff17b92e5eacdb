package io.boxscope.cli.diagnose;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.diagnose.Diagnose;
import io.boxscope.diagnose.Diagnosis;
import io.boxscope.diagnose.Target;
import io.boxscope.diagnose.Targets;
import io.boxscope.proc.container.ContainerDiscovery;

/** {@code boxscope diagnose TARGET}: why is it slow — CPU, memory or I/O? */
public final class DiagnoseCommand extends CliCommand {
    public DiagnoseCommand() {
        super("diagnose", "Why is this container (or process, or cgroup) slow: CPU, memory or I/O? Watches it",
                "for a window and gives a verdict with the figures that drove it, what was ruled out, and what",
                "to run next. TARGET is a container name or id, a PID, or a cgroup path such as /docker/ID.");
        globals("--json", "--proc-root", "--sys-root", "--container", "--pid");
        examples("  boxscope diagnose web                    watch container web for 10 s, then the verdict",
                "  boxscope diagnose --duration 30s 4242     process 4242, for 30 s",
                "  boxscope diagnose /system.slice/nginx.service",
                "  boxscope diagnose web --html web.html     the same, plus a self-contained HTML report",
                "  boxscope diagnose web --duration 1m --interval 5s   a line every 5 s",
                "  boxscope --json diagnose web | jq .verdict.kind");
    }

    final Opt<String> target = positional(String.class, null).arity("0..1").label("TARGET")
            .help("Container name or id, PID, or cgroup path (or use --container / --pid).");
    final Opt<String> duration = option(String.class, "10s", "-d", "--duration").label("TIME")
            .help("How long to watch: 10s (default), 500ms, 2m; a plain number is seconds.");
    final Opt<String> interval = option(String.class, "100ms", "--sample").label("TIME")
            .help("How often thread states are sampled (default 100ms).");

    final Opt<String> live = option(String.class, null, "--interval").label("TIME")
            .help("Live view: one line per interval (verdict and figures of that interval), then the full diagnosis.");

    final Opt<Boolean> noEbpf = flag("--no-ebpf")
            .help("Read only /proc and the cgroup files: no run-queue latency, profiles, block I/O latency, syscalls or files.");

    final Opt<Integer> nice = option(Integer.class, 10, "--nice").label("N")
            .help("Nice value diagnose runs at (default 10: it yields the CPU to its target when both want it); never raises the priority it was started with.");

    final Opt<java.nio.file.Path> html = option(java.nio.file.Path.class, null, "--html").label("FILE")
            .help("Also write the report as one self-contained HTML file (no network needed to view it).");

    @Override
    public Integer call() throws IOException, InterruptedException {
        GlobalOptions g = global();
        String spec = spec(g);
        Duration window = Durations.parse("--duration", duration.value());
        Duration step = Durations.parse("--sample", interval.value());
        if (window.compareTo(Duration.ofHours(1)) > 0) {
            throw new UsageException("--duration may be at most 1h, not " + duration.value());
        }
        if (step.compareTo(Duration.ofMillis(10)) < 0 || step.compareTo(window) > 0) {
            throw new UsageException("--sample must be between 10ms and the --duration, not " + interval.value());
        }
        Duration every = live.value() == null ? null : Durations.parse("--interval", live.value());
        if (every != null && (every.compareTo(step) < 0 || every.compareTo(window) > 0)) {
            throw new UsageException("--interval must be between the --sample step and the --duration, not " + live.value());
        }
        if (html.value() != null) {
            java.nio.file.Path dir = html.value().toAbsolutePath().getParent();
            if (dir == null || !java.nio.file.Files.isDirectory(dir)) {
                // a directory that is not there is a named thing that does not exist: exit 1 (docs/cli.md)
                throw new io.boxscope.cli.NotFoundException("--html " + html.value() + ": the directory " + dir + " does not exist");
            }
        }
        if (nice.value() < -20 || nice.value() > 19) {
            throw new UsageException("--nice must be between -20 and 19, not " + nice.value());
        }
        int niceBefore = Yield.current();
        try {
            return diagnose(g, spec, window, step, every, niceBefore);
        } finally {
            if (nice.value() > niceBefore) {
                Yield.renice(niceBefore); // run in-process (tests, embedding), the caller's threads get their value back where allowed
            }
        }
    }

    private Integer diagnose(GlobalOptions g, String spec, Duration window, Duration step, Duration every, int niceBefore)
            throws IOException, InterruptedException {
        io.boxscope.cli.DebugPhases phases = new io.boxscope.cli.DebugPhases(err());
        Target t;
        java.util.concurrent.atomic.AtomicReference<io.boxscope.proc.container.Discovery> scanned = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            // a container target's scan is kept: the neighbours are watched in it (Diagnose.run, one scan, not two)
            t = Targets.resolve(spec, g.paths(), ContainerDiscovery.of(g.paths()), scanned::set);
        } catch (io.boxscope.diagnose.NoSuchTargetException e) {
            throw new io.boxscope.cli.NotFoundException(e.getMessage()); // well formed, not on this host: exit 1
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        phases.mark("target resolved");
        PrintWriter out = out();
        if (!g.json()) {
            out.println(Text.safe("Diagnosing " + DiagnoseViews.describe(t)) + String.format(java.util.Locale.ROOT,
                    " for %.1f s...", window.toMillis() / 1000.0));
            out.println();
            out.flush();
        }
        if (every != null && !g.json()) {
            out.println(DiagnoseViews.LIVE_HEADER);
            out.flush();
        }
        // Standard output's reader gone (| head -1, a pager quit; checkError flushes): the window ends at the next
        // live line, as a stop request ends it, unless --html's file is still to be written. Main says nothing of a
        // closed pipe and keeps exit 0 (DEVELOPERS.md, closed-pipe rule).
        boolean[] readerGone = {html.value() == null && out.checkError()};
        if (readerGone[0]) {
            return ExitCode.OK;
        }
        Diagnosis d;
        // Ctrl-C (or SIGTERM) ends the window early: the verdict of what was collected is still printed.
        try (io.boxscope.cli.StopSignals stop = io.boxscope.cli.StopSignals.install()) {
            // The priority is lowered when the window starts, not while the collectors load: loading takes
            // the same CPU time at either priority, and at nice 10 beside a busy target it took longer than
            // the target lived (benchmarks/diagnose-overhead, docs/diagnose.md).
            d = Diagnose.run(t, g.paths(), window, step, !noEbpf.value(), every, l -> {
                        emit(l, DiagnoseViews.LIVE);
                        readerGone[0] |= html.value() == null && out.checkError();
                    }, nanos -> readerGone[0] || stop.await(nanos),
                    () -> {
                        if (nice.value() > niceBefore) {
                            try {
                                Yield.renice(nice.value()); // best effort: a thread that cannot be changed keeps its priority
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    }, p -> {
                        if (p.startsWith("window")) {
                            phases.markWithProcess(p);
                        } else {
                            phases.mark(p);
                        }
                    }, java.util.Optional.ofNullable(scanned.get()));
        }
        phases.markWithProcess("diagnosis");
        if (html.value() != null) {
            ReportFile.write(html.value(), io.boxscope.diagnose.report.HtmlReport.render(d));
        }
        if (every != null) {
            if (!g.json()) {
                out.println();
            }
            emit(d, DiagnoseViews.VIEW); // with --json: NDJSON, the live lines then the diagnosis
        } else {
            show(d, DiagnoseViews.VIEW);
        }
        if (html.value() != null && !g.json()) {
            out.println(Text.safe("HTML report: " + html.value().toAbsolutePath()));
        }
        phases.markWithProcess("report written");
        return ExitCode.OK;
    }

    private String spec(GlobalOptions g) {
        int given = (target.value() != null ? 1 : 0) + (g.container() != null ? 1 : 0) + (g.pid() != null ? 1 : 0);
        if (given == 0) {
            throw new UsageException("diagnose needs a TARGET: a container name or id, a PID, or a cgroup path");
        }
        if (given > 1) {
            throw new UsageException("give one target: TARGET, --container or --pid, not several");
        }
        if (g.container() != null) {
            return g.container();
        }
        if (g.pid() != null) {
            return Integer.toString(g.pid());
        }
        return target.value();
    }
}
