package io.boxscope.cli.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.StopSignals;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.cli.View;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.hist.IntervalRun;

/**
 * An interval BCC-class tool as a command ({@code boxscope biolatency}, {@code runqlat},
 * {@code cachestat}, {@code funccount}): the run through {@link IntervalRun} (Ctrl-C, SIGTERM, the
 * schedule's end or its count end it, everything detached), the header libbpf-tools print once
 * the probes are attached, one report per interval (text, or one JSON object per line with --json)
 * and lost events on standard error. Runs the kernel skipped (another BPF program was running on the CPU) are
 * added up and said ONCE, on standard error after the last report, with the total: libbpf-tools' histogram tools
 * print nothing but their reports, and the probe runtime reports skips every 100 ms, which put a line between
 * (or, on a terminal, inside) every report of a loaded machine (docs/tools.md). A subclass declares its options,
 * builds the run and the view.
 * Each JSON report also has {@code split_deletes}, as syscount's summaries: the idle map keys its reads
 * deleted with lookup then delete ({@link IntervalRun.Listener#splitDeletes}; 0 where the kernel has
 * BPF_MAP_LOOKUP_AND_DELETE_ELEM); the text output says the same on standard error after the report.
 *
 * @param <R> the tool's report record (tools module)
 */
public abstract class IntervalCommand<R> extends CliCommand {

    protected IntervalCommand(String name, String... description) {
        super(name, description);
    }

    /** The library run for the options given (a usage error throws {@link UsageException}). */
    protected abstract IntervalRun<R> run(GlobalOptions g, ToolTarget target) throws IOException;

    /** What to trace: --pid/-p and --container or a cgroup directory, resolved. */
    protected abstract ToolTarget target(GlobalOptions g) throws IOException;

    /** When to report and stop. */
    protected abstract Schedule schedule();

    /** How a report looks. */
    protected abstract View<R> view();

    /** The text printed once every probe is attached ({@code probes} attach points). */
    protected abstract String header(int probes);

    /** Refuses what this kernel cannot do before anything is loaded (exit 1 with the message); nothing by default. */
    protected void check(GlobalOptions g) throws IOException, ProbeRunException {
    }

    /** The text printed after the last report (funccount's {@code Detaching...}); none by default. */
    protected String trailer() {
        return "";
    }

    /** Links the bpf(2) downcall while the command line is parsed (CliCommand#named). */
    @Override
    protected final void named(java.util.List<String> words) {
        io.boxscope.bpf.sys.SyscallLink.inBackground();
    }

    @Override
    public final Integer call() throws IOException {
        io.boxscope.bpf.sys.SyscallLink.inBackground(); // overlaps compiling the tool's script
        io.boxscope.cli.DebugPhases phases = new io.boxscope.cli.DebugPhases(err());
        GlobalOptions g = global();
        ToolTarget target = target(g);
        Schedule schedule = schedule();
        IntervalRun<R> run = run(g, target);
        View<R> view = view();
        PrintWriter out = out();
        PrintWriter err = err();
        long[] split = {0}; // split deletes of the report about to come
        long[] skipped = {0}; // runs the kernel skipped, said once at the end
        phases.mark("target and tool set up");
        try (StopSignals stop = StopSignals.install()) {
            check(g);
            run.run(g.paths().sysRoot(), target, schedule, () -> stop.requested() || out.checkError(), new IntervalRun.Listener<>() {
                @Override
                public void phase(String step) {
                    phases.mark(step);
                }

                @Override
                public void started(int probes) {
                    if (!g.json()) {
                        out.print(header(probes));
                        out.flush();
                    }
                    phases.markWithProcess("header printed");
                }

                @Override
                public void report(R report) {
                    long keys = split[0];
                    split[0] = 0;
                    if (g.json()) {
                        emit(report, withSplitDeletes(view, keys));
                        return;
                    }
                    emit(report, view);
                    if (keys > 0) {
                        err.println(io.boxscope.tools.core.Lost.splitDeletes(keys));
                        err.flush();
                    }
                }

                @Override
                public void lost(long events) {
                    ToolCommand.reportLost(out, err, events);
                }

                @Override
                public void skipped(long events) {
                    skipped[0] += events;
                }

                @Override
                public void mapUpdatesFailed(io.boxscope.probe.output.Event.MapUpdateFailed failure) {
                    ToolCommand.reportMapUpdatesFailed(out, err, failure);
                }

                @Override
                public void splitDeletes(long keys) {
                    split[0] += keys; // said with the report that follows
                }
            });
            if (!g.json()) {
                out.print(trailer());
                out.flush();
            }
            return ExitCode.OK;
        } catch (ProgramException e) {
            return programFailed(e, err);
        } catch (ProbeRunException | InterruptedException e) {
            return ToolCommand.failed(name(), e, err);
        } finally {
            if (skipped[0] > 0) {
                ToolCommand.reportSkipped(out, err, skipped[0]);
            }
        }
    }

    /** A script that does not compile here: the tool's shipped script needs what this kernel lacks (every tool but funccount). */
    protected int programFailed(ProgramException e, PrintWriter err) {
        return ToolCommand.failed(name(), e, err);
    }

    /**
     * {@code view} with {@code split_deletes} added to its JSON object (docs/json.md), after the tool's own keys.
     * Every interval tool's report is one JSON object.
     */
    static <R> View<R> withSplitDeletes(View<R> view, long keys) {
        return new View<>() {
            @Override
            public void text(R report, io.boxscope.cli.Terminal t) {
                view.text(report, t);
            }

            @Override
            public Object json(R report) {
                if (!(view.json(report) instanceof Map<?, ?> tool)) {
                    throw new IllegalStateException("an interval tool's JSON report is not an object");
                }
                Map<String, Object> o = Json.object();
                tool.forEach((k, v) -> o.put((String) k, v));
                o.put("split_deletes", keys);
                return o;
            }
        };
    }

    /**
     * libbpf-tools' {@code [interval [count]]}: seconds between reports (none: one at the end) and how many. The words
     * come as text: picocli leaves a word its type cannot convert unmatched, so {@code biolatency abc} said
     * "Unmatched argument at index 1: 'abc'" where libbpf-tools' filetop says "invalid interval".
     */
    protected static Schedule intervals(List<String> args, Integer defaultInterval) {
        if (args.size() > 2) {
            throw new UsageException("unrecognized positional argument: " + args.get(2));
        }
        Integer interval = args.isEmpty() ? defaultInterval : Integer.valueOf(whole(args.get(0), "interval", "seconds, above 0"));
        long count = args.size() == 2 ? whole(args.get(1), "count", "above 0") : 0;
        if (interval != null && interval <= 0) {
            throw new UsageException("invalid interval: " + interval + " (seconds, above 0)");
        }
        if (count < 0 || (args.size() == 2 && count == 0)) {
            throw new UsageException("invalid count: " + count + " (above 0)");
        }
        return new Schedule(null, interval == null ? null : Duration.ofSeconds(interval), count);
    }

    /** A positional word that must be a whole number: its value, or a usage error naming {@code what} it is (Main escapes it). */
    static int whole(String word, String what, String unit) {
        try {
            return Integer.parseInt(word.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("invalid " + what + ": '" + word + "' is not a whole number (" + unit + ")");
        }
    }

    /**
     * The target of a tool without -p: --container's cgroup, or libbpf-tools' {@code -c CG} cgroup v2
     * directory (not both).
     */
    protected static ToolTarget cgroupTarget(GlobalOptions g, Path cgroup) throws IOException {
        if (cgroup != null && g.container() != null) {
            throw new UsageException("--container and -c/--cgroup both select a cgroup: give one");
        }
        if (cgroup != null) {
            if (!Files.isDirectory(cgroup)) {
                throw new io.boxscope.cli.NotFoundException("cgroup directory " + cgroup + " does not exist");
            }
            return new ToolTarget(null, cgroup, null);
        }
        try {
            return ToolTarget.resolve(g.paths(), null, g.container());
        } catch (IllegalArgumentException e) {
            throw new UsageException(Text.safe(e.getMessage()));
        }
    }
}
