package io.boxscope.cli.tools;

import java.util.Locale;
import java.util.Map;
import io.boxscope.cli.Opt;
import io.boxscope.proc.Pad;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.statsnoop.StatEvent;
import io.boxscope.tools.statsnoop.Statsnoop;

/**
 * {@code boxscope statsnoop}: libbpf-tools' statsnoop (-p -t -x, and -s of newer versions), its
 * columns and widths, plus --container, -C and --json.
 */
public final class StatsnoopCommand extends ToolCommand<StatEvent> {
    final Opt<Boolean> timestamp = flag("-t", "--timestamp").help("Include timestamp on output");
    final Opt<Boolean> failed = flag("-x", "--failed").help("Only show failed stats");
    final Opt<Boolean> sysname = flag("-s", "--sysname").help("Include syscall name on output");

    /** The first event's kernel time: -t counts from it, as libbpf-tools does. */
    private long first = -1;

    public StatsnoopCommand() {
        super("statsnoop", "-C", "Trace stat syscalls (libbpf-tools statsnoop: statfs, stat, statx, fstatat, lstat,",
                "on their syscall tracepoints). Needs root (CAP_BPF + CAP_PERFMON).");
        examples("  boxscope statsnoop             trace all stat syscalls",
                "  boxscope statsnoop -t          include timestamps",
                "  boxscope statsnoop -s          include syscall name",
                "  boxscope statsnoop -x          only show failed stats",
                "  boxscope statsnoop -p 1216     only trace PID 1216",
                "  boxscope statsnoop --container web -C -x",
                "  boxscope statsnoop --json -x -d 10 | jq -c '[.comm, .errno, .path]'");
    }

    @Override
    protected EventTool<StatEvent> tool(ToolTarget target) {
        return new Statsnoop(new Statsnoop.Options(failed.value()));
    }

    @Override
    protected String header(ToolTarget target) {
        StringBuilder sb = new StringBuilder();
        if (timestamp.value()) {
            sb.append(String.format(Locale.ROOT, "%-14s ", "TIME(s)"));
        }
        if (containerColumn()) {
            sb.append(String.format(Locale.ROOT, "%-16s ", "CONTAINER"));
        }
        sb.append(String.format(Locale.ROOT, "%-7s %-20s %-4s %-4s", "PID", "COMM", "RET", "ERR"));
        if (sysname.value()) {
            sb.append(String.format(Locale.ROOT, " %-10s", "SYSCALL"));
        }
        return sb.append(String.format(Locale.ROOT, " %s%n", "PATH")).toString();
    }

    @Override
    protected Map<String, Object> json(StatEvent e) {
        Map<String, Object> o = Json.object();
        o.put("elapsed_ns", elapsed(e));
        o.put("container", e.container());
        o.put("pid", e.pid());
        o.put("comm", e.comm());
        o.put("ret", e.fd());
        o.put("errno", e.errno());
        o.put("syscall", Statsnoop.syscallName(e.syscall()));
        o.put("path", e.path());
        return o;
    }

    /** libbpf-tools statsnoop's handle_event line. */
    @Override
    protected String line(StatEvent e) {
        StringBuilder sb = new StringBuilder(128);
        if (timestamp.value()) {
            Pad.fixedLeft(sb, elapsed(e), 9, 9, 14).append(' '); // %-14.9f of seconds
        }
        if (containerColumn()) {
            sb.append(containerCell(e.container()));
        }
        // "%-7d %-20s %-4d %-4d" and " %-10s" without String.format (Pad.left)
        Pad.left(sb, e.pid(), 7).append(' ');
        Pad.left(sb, escaped(e.comm()), 20).append(' ');
        Pad.left(sb, e.fd(), 4).append(' ');
        Pad.left(sb, e.errno(), 4);
        if (sysname.value()) {
            Pad.left(sb.append(' '), Statsnoop.syscallName(e.syscall()), 10);
        }
        return sb.append(' ').append(escaped(e.path())).append(System.lineSeparator()).toString();
    }

    /** Nanoseconds since the first event (its own time, kernel clock). */
    private long elapsed(StatEvent e) {
        if (first < 0) {
            first = e.timestampNs();
        }
        return e.timestampNs() - first;
    }
}
