package io.boxscope.cli.tools;

import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import io.boxscope.cli.Opt;
import io.boxscope.cli.PidConverter;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.Pad;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.opensnoop.OpenEvent;
import io.boxscope.tools.opensnoop.OpenFlags;
import io.boxscope.tools.opensnoop.Opensnoop;

/** {@code boxscope opensnoop}: libbpf-tools' opensnoop, its options and columns, plus --container, -C and --json. */
public final class OpensnoopCommand extends ToolCommand<OpenEvent> {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    final Opt<Boolean> extended = flag("-e", "--extended-fields").help("Print extended fields");
    final Opt<String> name = option(String.class, null, "-n", "--name").label("NAME").help("Trace process names containing this");
    final Opt<Integer> tid = option(Integer.class, null, "-t", "--tid").label("TID").converter(new PidConverter())
            .help("Thread ID to trace");
    final Opt<Boolean> timestamp = flag("-T", "--timestamp").help("Print timestamp");
    final Opt<Integer> uid = option(Integer.class, null, "-u", "--uid").label("UID").help("User ID to trace");
    final Opt<Boolean> printUid = flag("-U", "--print-uid").help("Print UID");
    final Opt<Boolean> failed = flag("-x", "--failed").help("Failed opens only");
    /** The tool of this run ({@link #tool}), whose byte lines {@link #lines} are. */
    private Opensnoop opensnoop;

    public OpensnoopCommand() {
        super("opensnoop", "-C", "Trace open family syscalls (libbpf-tools opensnoop, on the open/openat/openat2 tracepoints).",
                "Needs root (CAP_BPF + CAP_PERFMON).");
        examples("  boxscope opensnoop                  trace all open() syscalls",
                "  boxscope opensnoop -T               include timestamps",
                "  boxscope opensnoop -U               include UID",
                "  boxscope opensnoop -x               only show failed opens",
                "  boxscope opensnoop -p 181           only trace PID 181",
                "  boxscope opensnoop -t 123           only trace TID 123",
                "  boxscope opensnoop -u 1000          only trace UID 1000",
                "  boxscope opensnoop -d 10            trace for 10 seconds only",
                "  boxscope opensnoop -n main          only print process names containing \"main\"",
                "  boxscope opensnoop -e               show extended fields",
                "  boxscope opensnoop --container web -C -x   failed opens in container web",
                "  boxscope opensnoop --json -x -d 5 | jq -c '[.comm, .errno, .path]'");
    }

    @Override
    protected EventTool<OpenEvent> tool(ToolTarget target) {
        try {
            opensnoop = new Opensnoop(new Opensnoop.Options(tid.value(), uid.value(), failed.value(), name.value()));
            return opensnoop;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    protected String header(ToolTarget target) {
        StringBuilder sb = new StringBuilder();
        if (timestamp.value()) {
            sb.append(String.format(Locale.ROOT, "%-8s ", "TIME"));
        }
        if (printUid.value()) {
            sb.append(String.format(Locale.ROOT, "%-7s ", "UID"));
        }
        if (containerColumn()) {
            sb.append(String.format(Locale.ROOT, "%-16s ", "CONTAINER"));
        }
        sb.append(String.format(Locale.ROOT, "%-6s %-16s %3s %3s ", "PID", "COMM", "FD", "ERR"));
        if (extended.value()) {
            sb.append(String.format(Locale.ROOT, "%-8s ", "FLAGS"));
        }
        return sb.append("PATH\n").toString();
    }

    @Override
    protected Map<String, Object> json(OpenEvent e) {
        Map<String, Object> o = Json.object();
        o.put("time", e.time().format(HMS));
        o.put("container", e.container());
        o.put("uid", e.uid());
        o.put("pid", e.pid());
        o.put("comm", e.comm());
        o.put("fd", e.fd());
        o.put("errno", e.errno());
        io.boxscope.bpf.Errno err = e.errno() == 0 ? null : io.boxscope.bpf.Errno.of(e.errno());
        o.put("error", err == null ? null : err.name());
        o.put("flags", e.flags());
        o.put("flag_names", OpenFlags.names(e.flags()));
        o.put("mode", e.hasMode() ? e.mode() : null);
        o.put("path", e.path());
        return o;
    }

    @Override
    protected io.boxscope.tools.core.RecordLines lines(io.boxscope.probe.output.TextBuffer out) {
        return opensnoop.lines(columns(), escaping(), out);
    }

    /** The optional columns given. */
    Opensnoop.Columns columns() {
        return new Opensnoop.Columns(timestamp.value(), printUid.value(), containerColumn(), extended.value());
    }

    /** libbpf-tools opensnoop's handle_event line, its widths included. */
    @Override
    protected String line(OpenEvent e) {
        StringBuilder sb = new StringBuilder(128);
        if (timestamp.value()) {
            Pad.left(sb, e.time().format(HMS), 8).append(' ');
        }
        if (printUid.value()) {
            Pad.left(sb, e.uid(), 7).append(' ');
        }
        if (containerColumn()) {
            sb.append(containerCell(e.container()));
        }
        // "%-6d %-16s %3d %3d " without String.format (Pad.left)
        Pad.left(sb, e.pid(), 6).append(' ');
        Pad.left(sb, escaped(e.comm()), 16).append(' ');
        Pad.right(sb, e.fd(), 3).append(' ');
        Pad.right(sb, e.errno(), 3).append(' ');
        if (extended.value()) {
            // the installed libbpf-tools (Debian) prints FLAGS only; newer ones add a MODE column (in --json here)
            sb.append(String.format(Locale.ROOT, "%08o ", e.flags()));
        }
        return sb.append(escaped(e.path())).append('\n').toString();
    }
}
