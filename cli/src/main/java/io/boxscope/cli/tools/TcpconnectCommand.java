package io.boxscope.cli.tools;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import io.boxscope.cli.Opt;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.UsageException;
import io.boxscope.cli.View;
import io.boxscope.proc.Pad;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.tcpconnect.ConnectCounts;
import io.boxscope.tools.tcpconnect.ConnectEvent;
import io.boxscope.tools.tcpconnect.Tcpconnect;

/**
 * {@code boxscope tcpconnect}: libbpf-tools' tcpconnect (-t -p -P -U -u -c), on the
 * sock:inet_sock_set_state tracepoint instead of kprobes, plus --container, --container-column and
 * --json. libbpf-tools' -C (cgroup map) and -M (mount namespace map) take pinned maps; --container
 * does their job here. -s (source port) is not offered: the port is not chosen yet when the socket
 * enters SYN_SENT.
 */
public final class TcpconnectCommand extends ToolCommand<ConnectEvent> {
    final Opt<Boolean> count = flag("-c", "--count").help("Count connects per src ip and dst ip/port");
    final Opt<String> ports = option(String.class, null, "-P", "--port").label("PORTS")
            .help("Comma-separated list of destination ports to trace");
    final Opt<Boolean> timestamp = flag("-t", "--timestamp").help("Include timestamp on output");
    final Opt<Integer> uid = option(Integer.class, null, "-u", "--uid").label("UID").help("Process UID to trace");
    final Opt<Boolean> printUid = flag("-U", "--print-uid").help("Include UID on output");

    /** -c: the library's counter, fed by {@link #show}. */
    private final ConnectCounts.Counter counter = new ConnectCounts.Counter();

    /**
     * -c's view: libbpf-tools' table at the end (a blank line, then LADDR RADDR RPORT CONNECTS),
     * or one JSON object per flow (NDJSON, like the events without -c).
     */
    static final View<ConnectCounts> COUNTS = new View<>() {
        @Override
        public void text(ConnectCounts counts, Terminal t) {
            PrintWriter out = t.out();
            out.printf(Locale.ROOT, "%n%-25s %-25s %-20s %-10s%n", "LADDR", "RADDR", "RPORT", "CONNECTS");
            for (ConnectCounts.Flow f : counts.flows()) {
                out.printf(Locale.ROOT, "%-25s %-25s %-20d %-10d%n", f.saddr(), f.daddr(), f.dport(), f.connects());
            }
        }

        @Override
        public Object json(ConnectCounts counts) {
            List<Object> flows = new ArrayList<>();
            for (ConnectCounts.Flow f : counts.flows()) {
                Map<String, Object> o = Json.object();
                o.put("laddr", f.saddr());
                o.put("raddr", f.daddr());
                o.put("rport", f.dport());
                o.put("connects", f.connects());
                flows.add(o);
            }
            return flows;
        }
    };

    public TcpconnectCommand() {
        super("tcpconnect", null, "Count/Trace active tcp connections (libbpf-tools tcpconnect, on the",
                "sock:inet_sock_set_state tracepoint: no kprobes needed). Needs root (CAP_BPF + CAP_PERFMON).");
        examples("  boxscope tcpconnect             trace all TCP connect()s",
                "  boxscope tcpconnect -t          include timestamps",
                "  boxscope tcpconnect -p 181      only trace PID 181",
                "  boxscope tcpconnect -P 80,81    only trace ports 80 and 81",
                "  boxscope tcpconnect -U -u 1000  include UID, only UID 1000",
                "  boxscope tcpconnect -c          count connects per src, dest, port (printed at Ctrl-C)",
                "  boxscope tcpconnect --container web --container-column",
                "  boxscope tcpconnect --json -d 10 | jq -c '[.comm, .daddr, .dport]'");
    }

    @Override
    protected EventTool<ConnectEvent> tool(ToolTarget target) {
        Set<Integer> set = ports("-P", ports.value());
        try {
            return new Tcpconnect(new Tcpconnect.Options(uid.value(), set));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    protected String header(ToolTarget target) {
        if (count.value()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        if (timestamp.value()) {
            sb.append(String.format(Locale.ROOT, "%-9s", "TIME(s)"));
        }
        if (printUid.value()) {
            sb.append(String.format(Locale.ROOT, "%-6s", "UID"));
        }
        if (containerColumn()) {
            sb.append(String.format(Locale.ROOT, "%-16s ", "CONTAINER"));
        }
        return sb.append(String.format(Locale.ROOT, "%-6s %-16s %-2s %-16s %-16s %-5s%n", "PID", "COMM", "IP", "SADDR", "DADDR", "DPORT"))
                .toString();
    }

    @Override
    protected boolean show(ConnectEvent e) {
        if (count.value()) {
            counter.add(e);
            return false;
        }
        return true;
    }

    @Override
    protected void end() {
        if (count.value()) {
            emitEach(counter.counts(), COUNTS);
        }
    }

    @Override
    protected Map<String, Object> json(ConnectEvent e) {
        Map<String, Object> o = Json.object();
        o.put("elapsed_ns", e.sinceNs());
        o.put("container", e.container());
        o.put("uid", e.uid());
        o.put("pid", e.pid());
        o.put("comm", e.comm());
        o.put("ip", e.ipVersion());
        o.put("saddr", e.saddr());
        o.put("daddr", e.daddr());
        o.put("dport", e.dport());
        return o;
    }

    /** libbpf-tools tcpconnect's handle_event line, its widths included. */
    @Override
    protected String line(ConnectEvent e) {
        StringBuilder sb = new StringBuilder(128);
        if (timestamp.value()) {
            Pad.fixedLeft(sb, e.sinceNs(), 9, 3, 9); // %-9.3f of seconds
        }
        if (printUid.value()) {
            Pad.left(sb, e.uid(), 6);
        }
        if (containerColumn()) {
            sb.append(containerCell(e.container()));
        }
        // "%-6d %-16.16s %-2d %-16s %-16s %-5d%n" without String.format (Pad.left)
        String comm = escaped(e.comm());
        Pad.left(sb, e.pid(), 6).append(' ');
        Pad.left(sb, comm.length() > 16 ? comm.substring(0, 16) : comm, 16).append(' ');
        Pad.left(sb, e.ipVersion(), 2).append(' ');
        Pad.left(sb, e.saddr(), 16).append(' ');
        Pad.left(sb, e.daddr(), 16).append(' ');
        Pad.left(sb, e.dport(), 5);
        return sb.append(System.lineSeparator()).toString();
    }
}
