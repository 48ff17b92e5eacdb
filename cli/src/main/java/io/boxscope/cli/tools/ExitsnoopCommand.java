package io.boxscope.cli.tools;

import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import io.boxscope.bpf.Signals;
import io.boxscope.cli.Opt;
import io.boxscope.proc.Pad;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.exitsnoop.ExitEvent;
import io.boxscope.tools.exitsnoop.Exitsnoop;

/** {@code boxscope exitsnoop}: libbpf-tools' exitsnoop, its options and columns, plus --container, -C and --json. */
public final class ExitsnoopCommand extends ToolCommand<ExitEvent> {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    final Opt<Boolean> timestamp = flag("-t", "--timestamp").help("Include timestamp on output");
    final Opt<Boolean> threaded = flag("-T", "--threaded").help("Trace by thread.");
    final Opt<Boolean> failed = flag("-x", "--failed").help("Trace error exits only.");

    public ExitsnoopCommand() {
        super("exitsnoop", "-C", "Trace process termination (libbpf-tools exitsnoop, on the sched_process_exit, exit,",
                "exit_group, signal_deliver and task_newtask tracepoints). Needs root (CAP_BPF + CAP_PERFMON).");
        examples("  boxscope exitsnoop             trace process exit events",
                "  boxscope exitsnoop -t          include timestamps",
                "  boxscope exitsnoop -x          trace error exits only",
                "  boxscope exitsnoop -p 1216     only trace PID 1216",
                "  boxscope exitsnoop -T          trace by thread",
                "  boxscope exitsnoop --container web -C   exits in container web",
                "  boxscope exitsnoop --json -x -d 60 | jq -c 'select(.signal != null)'");
    }

    @Override
    protected EventTool<ExitEvent> tool(ToolTarget target) {
        return new Exitsnoop(new Exitsnoop.Options(threaded.value(), failed.value()));
    }

    @Override
    protected String header(ToolTarget target) {
        StringBuilder sb = new StringBuilder();
        if (timestamp.value()) {
            sb.append(String.format(Locale.ROOT, "%-8s ", "TIME(s)"));
        }
        if (containerColumn()) {
            sb.append(String.format(Locale.ROOT, "%-16s ", "CONTAINER"));
        }
        return sb.append(String.format(Locale.ROOT, "%-16s %-7s %-7s %-7s %-7s %s%n", "PCOMM", "PID", "PPID", "TID", "AGE(s)",
                "EXIT_CODE")).toString();
    }

    @Override
    protected Map<String, Object> json(ExitEvent e) {
        Map<String, Object> o = Json.object();
        o.put("time", e.time().format(HMS));
        o.put("container", e.container());
        o.put("comm", e.comm());
        o.put("pid", e.pid());
        o.put("ppid", e.ppid());
        o.put("tid", e.tid());
        o.put("age_ns", e.ageNs());
        o.put("exit_code", e.signal() == 0 && e.codeKnown() ? e.exitCode() : null);
        o.put("signal", e.signal() == 0 ? null : Signals.name(e.signal()));
        return o;
    }

    /** libbpf-tools exitsnoop's handle_event line (its "%8s" time, right-aligned, under a left-aligned header). */
    @Override
    protected String line(ExitEvent e) {
        StringBuilder sb = new StringBuilder(96);
        if (timestamp.value()) {
            Pad.right(sb, e.time().format(HMS), 8).append(' ');
        }
        if (containerColumn()) {
            sb.append(containerCell(e.container()));
        }
        // "%-16s %-7d %-7d %-7d %-7.2f " without String.format (Pad.left, Pad.fixedLeft)
        Pad.left(sb, escaped(e.comm()), 16).append(' ');
        Pad.left(sb, e.pid(), 7).append(' ');
        Pad.left(sb, e.ppid(), 7).append(' ');
        Pad.left(sb, e.tid(), 7).append(' ');
        Pad.fixedLeft(sb, e.ageNs(), 9, 2, 7).append(' ');
        if (e.signal() == 0) {
            sb.append(e.exitCode() == 0 ? "0" : "code " + e.exitCode());
        } else {
            sb.append("signal ").append(e.signal()).append(" (").append(Signals.describe(e.signal())).append(')');
        }
        return sb.append('\n').toString();
    }
}
