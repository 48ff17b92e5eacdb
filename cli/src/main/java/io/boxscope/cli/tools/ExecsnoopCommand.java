package io.boxscope.cli.tools;

import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import io.boxscope.cli.Opt;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.Pad;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.execsnoop.ExecEvent;
import io.boxscope.tools.execsnoop.Execsnoop;

/** {@code boxscope execsnoop}: libbpf-tools' execsnoop, its options and columns, plus --container, -C and --json. */
public final class ExecsnoopCommand extends ToolCommand<ExecEvent> {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    final Opt<Boolean> time = flag("-T", "--time").help("include time column on output (HH:MM:SS)");
    final Opt<Boolean> timestamp = flag("-t", "--timestamp").help("include timestamp on output");
    final Opt<Boolean> fails = flag("-x", "--fails").help("include failed exec()s");
    final Opt<Integer> uid = option(Integer.class, null, "-u", "--uid").label("UID").help("trace this UID only");
    final Opt<Boolean> quote = flag("-q", "--quote").help("Add quotemarks (\") around arguments");
    final Opt<String> name = option(String.class, null, "-n", "--name").label("NAME")
            .help("only print commands whose name contains NAME");
    final Opt<String> line = option(String.class, null, "-l", "--line").label("LINE")
            .help("only print commands where an argument contains LINE");
    final Opt<Boolean> printUid = flag("-U", "--print-uid").help("print UID column");
    final Opt<Integer> maxArgs = option(int.class, Execsnoop.DEFAULT_MAX_ARGS, "--max-args").label("MAX_ARGS")
            .help("maximum number of arguments parsed and displayed, defaults to 20");
    /** The tool of this run ({@link #tool}), whose byte lines {@link #lines} are. */
    private Execsnoop execsnoop;

    public ExecsnoopCommand() {
        super("execsnoop", "-C", "Trace exec syscalls (libbpf-tools execsnoop, on the execve/execveat tracepoints).",
                "Needs root (CAP_BPF + CAP_PERFMON).");
        examples("  boxscope execsnoop                  trace all exec() syscalls",
                "  boxscope execsnoop -x               include failed exec()s",
                "  boxscope execsnoop -T               include time (HH:MM:SS)",
                "  boxscope execsnoop -U -u 1000       show UIDs, only UID 1000",
                "  boxscope execsnoop -t -q            timestamps, \"quoted\" arguments",
                "  boxscope execsnoop -n main          only commands whose name contains \"main\"",
                "  boxscope execsnoop --container web -C  only container web, CONTAINER column",
                "  boxscope execsnoop --json -d 10 | jq -c 'select(.ret != 0)'");
    }

    @Override
    protected EventTool<ExecEvent> tool(ToolTarget target) {
        try {
            execsnoop = new Execsnoop(new Execsnoop.Options(fails.value(), uid.value(), maxArgs.value(), name.value(), line.value()));
            return execsnoop;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    protected String header(ToolTarget target) {
        StringBuilder sb = new StringBuilder();
        if (time.value()) {
            sb.append(String.format(Locale.ROOT, "%-9s", "TIME"));
        }
        if (timestamp.value()) {
            sb.append(String.format(Locale.ROOT, "%-8s ", "TIME(s)"));
        }
        if (printUid.value()) {
            sb.append(String.format(Locale.ROOT, "%-6s ", "UID"));
        }
        if (containerColumn()) {
            sb.append(String.format(Locale.ROOT, "%-16s ", "CONTAINER"));
        }
        sb.append(String.format(Locale.ROOT, "%-16s %-6s %-6s %3s %s%n", "PCOMM", "PID", "PPID", "RET", "ARGS"));
        return sb.toString();
    }

    @Override
    protected Map<String, Object> json(ExecEvent e) {
        Map<String, Object> o = Json.object();
        o.put("time", e.time().format(HMS));
        o.put("elapsed_ns", e.sinceNs());
        o.put("container", e.container());
        o.put("uid", e.uid());
        o.put("comm", e.comm());
        o.put("pid", e.pid());
        o.put("ppid", e.ppid());
        o.put("ret", e.ret());
        o.put("args", e.args());
        o.put("args_truncated", e.truncated());
        return o;
    }

    @Override
    protected io.boxscope.tools.core.RecordLines lines(io.boxscope.probe.output.TextBuffer out) {
        return execsnoop.lines(columns(), escaping(), out);
    }

    /** The optional columns given. */
    Execsnoop.Columns columns() {
        return new Execsnoop.Columns(time.value(), timestamp.value(), printUid.value(), containerColumn(), quote.value());
    }

    /** libbpf-tools execsnoop's handle_event line, its widths included. */
    @Override
    protected String line(ExecEvent e) {
        StringBuilder sb = new StringBuilder(128);
        if (time.value()) {
            Pad.left(sb, e.time().format(HMS), 8).append(' ');
        }
        if (timestamp.value()) {
            sb.append(String.format(Locale.ROOT, "%-8.3f", e.sinceNs() / 1e9));
        }
        if (printUid.value()) {
            Pad.left(sb, e.uid(), 6);
        }
        if (containerColumn()) {
            sb.append(containerCell(e.container()));
        }
        // "%-16s %-6d %-6d %3d " without String.format (Pad.left)
        Pad.left(sb, escaped(e.comm()), 16).append(' ');
        Pad.left(sb, e.pid(), 6).append(' ');
        Pad.left(sb, e.ppid(), 6).append(' ');
        Pad.right(sb, e.ret(), 3).append(' ');
        args(sb, e, quote.value(), escaping());
        sb.append('\n');
        return sb.toString();
    }

    /** print_args: each argument followed by a space; with -q each in quotes, with \", \t and \n escaped ({@link Execsnoop#quoted}). */
    static void args(StringBuilder sb, ExecEvent e, boolean quote, java.util.function.UnaryOperator<String> safe) {
        for (String a : e.args()) {
            if (quote) {
                sb.append('"').append(Execsnoop.quoted(a, safe)).append("\" ");
            } else {
                sb.append(safe.apply(a)).append(' ');
            }
        }
        if (e.truncated()) {
            sb.append(" ...");
        }
    }
}
