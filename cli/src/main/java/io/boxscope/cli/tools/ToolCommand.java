package io.boxscope.cli.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import io.boxscope.bpf.BpfPermissionException;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Main;
import io.boxscope.cli.Opt;
import io.boxscope.cli.PidConverter;
import io.boxscope.cli.StopSignals;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.cli.View;
import io.boxscope.probe.output.TextBuffer;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.proc.Pad;
import io.boxscope.proc.Privileges;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.Lost;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;

/**
 * A per-event BCC-class tool as a command ({@code boxscope execsnoop}): the options every tool
 * shares, the run (Ctrl-C, SIGTERM and {@code -d} end it cleanly, everything detached), the header
 * libbpf-tools prints, one line (or one NDJSON object with --json) per event, and lost events on
 * standard error as libbpf-tools prints them. A subclass declares its own options as fields (after
 * these in --help), builds the library tool from them ({@link #tool}) and renders its events
 * ({@link #view}); it parses and renders only.
 *
 * @param <E> the tool's event record (from the tools module)
 */
public abstract class ToolCommand<E> extends CliCommand {
    /** libbpf-tools' {@code -p PID}; the global --pid means the same. */
    protected final Opt<Integer> pid;
    /** Boxscope's CONTAINER column; {@code -C} unless the libbpf tool uses -C for something else. */
    protected final Opt<Boolean> containerColumn;
    /** libbpf-tools' {@code -d, --duration} in seconds. */
    protected final Opt<Integer> duration;

    /**
     * @param name          the command, named like the libbpf-tools binary
     * @param columnShort   {@code "-C"} for the container column's short name, or null when the
     *                      libbpf tool uses -C itself (then only {@code --container-column})
     * @param description   --help's description lines
     */
    protected ToolCommand(String name, String columnShort, String... description) {
        this(name, columnShort, true, description);
    }

    /**
     * @param durationShort false when the libbpf tool uses {@code -d} for something else (biosnoop's
     *                      {@code -d DISK}): then the duration is only {@code --duration}
     */
    protected ToolCommand(String name, String columnShort, boolean durationShort, String... description) {
        super(name, description);
        globals("--json", "--proc-root", "--sys-root", "--container", "--pid");
        pid = option(Integer.class, null, "-p").label("PID").converter(new PidConverter())
                .help("Process ID to trace.");
        containerColumn = (columnShort == null ? flag("--container-column") : flag(columnShort, "--container-column"))
                .help("Print a CONTAINER column: the container's name, '-' on the host.");
        duration = (durationShort ? option(Integer.class, null, "-d", "--duration") : option(Integer.class, null, "--duration")).label("DURATION")
                .help("Duration to trace, in seconds (default: until Ctrl-C).");
    }

    /**
     * How this run escapes a process's strings (names, paths, arguments) in its text lines: {@link Text#safe} on a
     * terminal; {@link Text#safeKeepingBytes} to a file or a pipe, where bytes that are not UTF-8 are written as
     * they were, as libbpf-tools write them ({@link #call} decides from isatty(1)).
     */
    private java.util.function.UnaryOperator<String> escape = Text::safe;

    /** {@code s} escaped for this run's output ({@link #escape}). */
    protected final String escaped(String s) {
        return escape.apply(s);
    }

    /** This run's escaping, for a tool's byte lines ({@link #lines}). */
    protected final java.util.function.UnaryOperator<String> escaping() {
        return escape;
    }

    /** Whether standard output is a terminal ({@link #escape}); {@link #call} sets it, tests may. */
    final void toTerminal(boolean terminal) {
        escape = Text.escaping(terminal);
    }

    /** The library tool for the options given (a usage error throws {@link UsageException}). */
    protected abstract EventTool<E> tool(ToolTarget target);

    /** An event's text line, with the options' columns, as the libbpf tool prints it (newline included). */
    protected abstract String line(E event);

    /**
     * The text lines written as bytes straight from the ring records into {@code out} (text to a file or a pipe),
     * the same bytes as {@link #line}; null (the default) when the tool has none: then each event is decoded
     * and {@link #line} built. opensnoop and execsnoop have them (docs/benchmarks.md, "Branch toolbytes").
     */
    protected io.boxscope.tools.core.RecordLines lines(TextBuffer out) {
        return null;
    }

    /** An event's JSON object (snake_case keys with unit suffixes, docs/json.md). */
    protected abstract java.util.Map<String, Object> json(E event);

    /** How an event looks: {@link #line} as text, {@link #json} with --json. */
    private View<E> view() {
        return new View<>() {
            @Override
            public void text(E event, io.boxscope.cli.Terminal t) {
                t.out().print(line(event));
            }

            @Override
            public Object json(E event) {
                return ToolCommand.this.json(event);
            }
        };
    }

    /** The CONTAINER cell: the name (terminal-safe), or "-" for a host process, in 16 columns and a space. */
    protected static String containerCell(String container) {
        return Pad.left(new StringBuilder(24), container == null ? "-" : Text.safe(container), 16).append(' ').toString();
    }

    /**
     * What the text output starts with once every probe is attached: libbpf-tools' "Tracing ..."
     * line where the tool prints one, then the column header; each line ends with a newline.
     */
    protected abstract String header(ToolTarget target);

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
        EventTool<E> tool = tool(target);
        View<E> view = view();
        PrintWriter out = out();
        PrintWriter err = err();
        // bpftrace's BPFTRACE_PERF_RB_PAGES sizes the ring, as for probe (docs/tools.md)
        int ringBytes = io.boxscope.cli.probe.ProbeCommand.ringBytes(System.getenv("BPFTRACE_PERF_RB_PAGES"),
                EventTool.DEFAULT_RING_BYTES);
        io.boxscope.cli.Terminal terminal = terminal();
        // Standard output's mode is decided once every probe is attached (Listener#lines), not here: isatty(1) is an
        // ioctl through Sys, whose syscall(2) downcall is still being linked on its background thread at this point,
        // and asking here made the main thread wait for that linking (37-90 ms of wall time at load 17, with ~10 ms of
        // CPU) instead of compiling meanwhile (docs/benchmarks.md, "Start-up: the critical path in wall time").
        Stdout stdout = new Stdout();
        phases.mark("target and tool set up");
        try (StopSignals stop = StopSignals.install()) {
            tool.run(g.paths().sysRoot(), target, schedule, () -> stop.requested() || out.checkError(),
                    new EventTool.Listener<>() {
                        @Override
                        public void phase(String step) {
                            phases.mark(step);
                        }

                        @Override
                        public io.boxscope.tools.core.RecordLines lines() {
                            // stdio's buffering (setvbuf(3)), as libbpf-tools' printf gets it: line by line to a
                            // terminal; to a file or a pipe once a batch, when the ring buffer has been drained
                            // (EventTool.Listener#drained)
                            stdout.lineBuffered = stdoutIsTty();
                            toTerminal(stdout.lineBuffered);
                            // text to a file or a pipe: each line encoded into one byte buffer, written once a drained
                            // ring (no PrintWriter encoder and lock a line); the same bytes as emitBuffered's text view
                            stdout.buffer = g.json() || stdout.lineBuffered ? null : new TextBuffer(terminal::bytes, 1 << 16);
                            return stdout.buffer == null ? null : ToolCommand.this.lines(stdout.buffer);
                        }

                        @Override
                        public void started(int probes) {
                            if (!g.json()) {
                                out.print(header(target));
                                out.flush();
                            }
                            phases.markWithProcess("header printed");
                        }

                        @Override
                        public void event(E event) {
                            if (!show(event)) {
                                return;
                            }
                            if (stdout.buffer != null) {
                                stdout.buffer.utf8(line(event));
                            } else if (stdout.lineBuffered) {
                                emit(event, view);
                            } else {
                                emitBuffered(event, view);
                            }
                        }

                        @Override
                        public void drained() {
                            flushBuffer();
                            flushStream();
                        }

                        @Override
                        public void lost(long events) {
                            flushBuffer();
                            reportLost(out, err, events);
                        }

                        @Override
                        public void skipped(long events) {
                            flushBuffer();
                            reportSkipped(out, err, events);
                        }

                        @Override
                        public void mapUpdatesFailed(io.boxscope.probe.output.Event.MapUpdateFailed failure) {
                            flushBuffer();
                            reportMapUpdatesFailed(out, err, failure);
                        }

                        private void flushBuffer() {
                            if (stdout.buffer != null) {
                                stdout.buffer.flush();
                            }
                        }
                    }, ringBytes);
            if (stdout.buffer != null) {
                stdout.buffer.flush();
            }
            end();
            return ExitCode.OK;
        } catch (ProgramException | ProbeRunException | InterruptedException e) {
            return failed(name(), e, err);
        } finally {
            if (stdout.buffer != null) {
                stdout.buffer.flush(); // an exception mid-batch: the lines already built are still written
            }
        }
    }

    /**
     * Standard output's mode for one run, decided once every probe is attached ({@link EventTool.Listener#lines}):
     * whether it is a terminal (line by line), and the byte buffer text to a file or a pipe is written through (null
     * on a terminal, with --json, and before the decision).
     */
    private static final class Stdout {
        boolean lineBuffered;
        TextBuffer buffer;
    }

    /** Lost events on standard error, after what standard output holds so far (every tool command). */
    static void reportLost(PrintWriter out, PrintWriter err, long events) {
        out.flush();
        err.println(Lost.message(events));
        err.flush();
    }

    /** Program runs the kernel skipped, on standard error after what standard output holds so far (every tool command). */
    static void reportSkipped(PrintWriter out, PrintWriter err, long events) {
        out.flush();
        err.println(Lost.skipped(events));
        err.flush();
    }

    /** Failed map updates (a full map) on standard error, after what standard output holds so far (every tool command). */
    static void reportMapUpdatesFailed(PrintWriter out, PrintWriter err, io.boxscope.probe.output.Event.MapUpdateFailed failure) {
        out.flush();
        err.println(io.boxscope.tools.core.Lost.mapUpdatesFailed(failure));
        err.flush();
    }

    /**
     * The exit code and message of a tool whose script does not compile here, cannot load or attach
     * (3 when a privilege is missing), or whose thread was interrupted (every tool command).
     */
    static int failed(String tool, Exception e, PrintWriter err) {
        return failed(tool, e, err, Privileges.self());
    }

    /**
     * As above, with the process's privileges given: EPERM/EACCES is a missing privilege (exit 3) only
     * when CAP_BPF+CAP_PERFMON (or CAP_SYS_ADMIN) are not effective ({@link Main#bpfRefused}).
     */
    static int failed(String tool, Exception e, PrintWriter err, Privileges privileges) {
        switch (e) {
            case ProgramException p -> {
                err.print(p.getMessage());
                err.println("boxscope: the " + tool + " script does not compile on this kernel (a tracepoint it needs may be missing)");
                return ExitCode.FAILURE;
            }
            case ProbeRunException r -> {
                return refused(r, err, privileges);
            }
            case InterruptedException i -> {
                Thread.currentThread().interrupt();
                return ExitCode.FAILURE;
            }
            default -> throw new IllegalArgumentException("not a tool failure", e);
        }
    }

    /**
     * A run that failed: a kernel refusal (EPERM/EACCES) is told from the effective capabilities
     * ({@link Main#bpfRefused}: exit 3 only without them); anything else is printed, exit 1.
     */
    static int refused(ProbeRunException r, PrintWriter err, Privileges privileges) {
        if (r.getCause() instanceof BpfPermissionException b) {
            return Main.bpfRefused(err, b, privileges);
        }
        err.println("boxscope: " + Text.safe(r.getMessage()));
        return ExitCode.FAILURE;
    }

    /**
     * Whether an event is printed as it comes (true by default); a tool in a summary mode
     * (tcpconnect -c) keeps it and prints in {@link #end}.
     */
    protected boolean show(E event) {
        return true;
    }

    /**
     * After the run, once everything is detached: a summary mode's output, through a view
     * ({@link #emitEach} or {@link #emit}) like the events before it.
     */
    protected void end() {}

    /** -p and --pid (which must agree) and --container, resolved and checked. */
    protected final ToolTarget target(GlobalOptions g) throws IOException {
        return target(g, pid.value());
    }

    /** A tool's -p {@code p} and the global --pid (which must agree) and --container, resolved and checked (every tool command). */
    static ToolTarget target(GlobalOptions g, Integer p) throws IOException {
        if (p != null && g.pid() != null && !p.equals(g.pid())) {
            throw new UsageException("-p " + p + " and --pid " + g.pid() + " disagree: give one");
        }
        Integer target = p != null ? p : g.pid();
        try {
            return ToolTarget.resolve(g.paths(), target, g.container());
        } catch (IllegalArgumentException e) {
            throw new UsageException(Text.safe(e.getMessage()));
        }
    }

    /** -d as a {@link Schedule}. */
    protected Schedule schedule() {
        Integer d = duration.value();
        if (d != null && d <= 0) {
            throw new UsageException("-d/--duration takes a positive number of seconds, not " + d);
        }
        return Schedule.duration(d == null ? null : Duration.ofSeconds(d));
    }

    /** A comma-separated port list of option {@code option} (tcpconnect -P, tcplife -L/-D); empty when not given. */
    protected static java.util.Set<Integer> ports(String option, String value) {
        java.util.Set<Integer> set = new java.util.HashSet<>();
        if (value != null) {
            for (String p : value.split(",")) {
                try {
                    set.add(Integer.parseInt(p.trim()));
                } catch (NumberFormatException e) {
                    throw new UsageException("invalid port in " + option + ": " + Text.safe(p) + " (give numbers separated by commas)");
                }
            }
        }
        return set;
    }

    /** Whether the CONTAINER column is on. */
    protected final boolean containerColumn() {
        return containerColumn.value();
    }
}
