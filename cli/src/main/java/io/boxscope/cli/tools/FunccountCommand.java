package io.boxscope.cli.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.PidConverter;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.cli.View;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.funccount.FuncPattern;
import io.boxscope.tools.funccount.Funccount;
import io.boxscope.tools.hist.IntervalRun;

/** BCC's funccount: calls per tracepoint or user function, counted in the kernel. */
public final class FunccountCommand extends IntervalCommand<Funccount.Report> {
    final Opt<Integer> pid = option(Integer.class, null, "-p").label("PID").converter(new PidConverter())
            .help("Trace this PID only.");
    final Opt<Integer> interval = option(Integer.class, null, "-i", "--interval").label("INTERVAL")
            .help("Summary interval, seconds.");
    final Opt<Integer> duration = option(Integer.class, null, "-d", "--duration").label("DURATION")
            .help("Total duration of trace, seconds.");
    final Opt<Boolean> timestamp = flag("-T", "--timestamp").help("Include timestamp on output.");
    final Opt<String> pattern = positional(String.class, null).index("0").arity("1").label("pattern")
            .help("Search expression for events: t:CATEGORY:EVENT (tracepoints), LIB:FUNC, p:LIB:FUNC, u:LIB:FUNC",
                    "or /PATH:FUNC (user functions); FUNC (kernel functions) needs kprobes. '*' is a wildcard.");

    private FuncPattern parsed;

    public FunccountCommand() {
        super("funccount", "Count function calls and tracepoint events, in the kernel (BCC funccount, on",
                "tracepoints and uprobes). Needs root.");
        globals("--json", "--proc-root", "--sys-root", "--container", "--pid");
        examples("  boxscope funccount 't:syscalls:sys_enter_*'        count system calls by name",
                "  boxscope funccount -i 1 't:sched:sched_*'          scheduler events, every second",
                "  boxscope funccount -p 185 'u:libc:malloc*'         libc malloc* calls of PID 185",
                "  boxscope funccount -d 5 '/usr/bin/bash:readline'   bash's readline, for 5 seconds",
                "  boxscope funccount --json -d 5 't:block:*'         one JSON object at the end");
    }

    @Override
    protected ToolTarget target(GlobalOptions g) throws IOException {
        return ToolCommand.target(g, pid.value());
    }

    @Override
    protected Schedule schedule() {
        if (interval.value() != null && interval.value() <= 0 || duration.value() != null && duration.value() <= 0) {
            throw new UsageException("-i and -d take a positive number of seconds");
        }
        return new Schedule(duration.value() == null ? null : Duration.ofSeconds(duration.value()),
                interval.value() == null ? null : Duration.ofSeconds(interval.value()), 0);
    }

    @Override
    protected IntervalRun<Funccount.Report> run(GlobalOptions g, ToolTarget target) throws IOException {
        if (pattern.value() == null) {
            throw new UsageException("give a pattern, e.g. 't:syscalls:sys_enter_*'");
        }
        try {
            parsed = FuncPattern.parse(pattern.value());
        } catch (IllegalArgumentException e) {
            throw new UsageException(Text.safe(e.getMessage()));
        }
        return Funccount.run(parsed, target.pid(), timestamp.value());
    }

    /** A kernel-function pattern without kprobes: one line naming a tracepoint instead, exit 1. */
    @Override
    protected void check(GlobalOptions g) throws IOException, ProbeRunException {
        try {
            Funccount.check(parsed, g.paths().sysRoot());
        } catch (IllegalArgumentException e) {
            throw new ProbeRunException(e.getMessage(), null);
        }
    }

    /**
     * funccount's script is made from the user's pattern, so a compile error that the pattern matches nothing (no such
     * tracepoint, library or function: {@link #matchesNothing}) is one line naming the pattern and why, exit 1 (a thing
     * named that is not there, docs/cli.md), as BCC's funccount fails with "No functions matched by pattern". Any other
     * error (a library that is not an ELF file, say) is its own message, not "nothing to count", also exit 1. The
     * messages carry their own escapes ({@code \x7fELF}): {@link Text#safeVerbatimWhenPlain} escapes a message once,
     * only when it holds a control character, where {@link Text#safe} doubled every backslash.
     */
    @Override
    protected int programFailed(io.boxscope.probe.lang.diag.ProgramException e, java.io.PrintWriter err) {
        String why = e.diagnostics().stream().filter(d -> d.severity() == io.boxscope.probe.lang.diag.Diagnostic.Severity.ERROR)
                .map(io.boxscope.probe.lang.diag.Diagnostic::message).findFirst()
                .orElseGet(() -> e.diagnostics().isEmpty() ? e.getMessage().strip().lines().findFirst().orElse("")
                        : e.diagnostics().getFirst().message());
        err.println(matchesNothing(why) ? "boxscope: nothing to count for '" + Text.safe(pattern.value()) + "': "
                + Text.safeVerbatimWhenPlain(why) : "boxscope: " + Text.safeVerbatimWhenPlain(why));
        err.flush();
        return io.boxscope.cli.ExitCode.FAILURE;
    }

    /**
     * Whether a compile error says the pattern matched nothing: the resolver's wording for a missing tracepoint
     * ({@code tracepoint(s) not found}, as bpftrace says it), a missing library ({@code uprobe target ... is not a
     * file}) or no function of a library matching ({@code no functions of ... match}); probe's ProbeResolver and
     * UprobeTargets.
     */
    static boolean matchesNothing(String message) {
        return message.startsWith("tracepoint not found: ") || message.startsWith("tracepoints not found: ")
                || message.startsWith("rawtracepoint not found: ") || message.startsWith("no functions of ")
                || message.startsWith("uprobe target ") && message.endsWith(" is not a file");
    }

    @Override
    protected String header(int probes) {
        return Text.safeLines(Funccount.header(probes, pattern.value()));
    }

    @Override
    protected String trailer() {
        return Funccount.detaching();
    }

    @Override
    protected View<Funccount.Report> view() {
        return VIEW;
    }

    static final View<Funccount.Report> VIEW = new View<>() {
        @Override
        public void text(Funccount.Report r, Terminal t) {
            t.out().print(Text.safeLines(Funccount.text(r)));
        }

        @Override
        public Object json(Funccount.Report r) {
            List<Object> counts = new ArrayList<>();
            for (Funccount.Count c : r.counts()) {
                Map<String, Object> o = Json.object();
                o.put("func", c.func());
                o.put("count", c.count());
                counts.add(o);
            }
            Map<String, Object> o = Json.object();
            if (r.time() != null) {
                o.put("time", r.time());
            }
            o.put("functions", counts);
            return o;
        }
    };
}
