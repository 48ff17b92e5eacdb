package io.boxscope.cli.tools;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import io.boxscope.cli.Opt;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolTarget;
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

    /** -c: connects per (source, destination, port), in the order first seen. */
    private final Map<List<String>, Long> counts = new LinkedHashMap<>();

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
            counts.merge(List.of(e.saddr(), e.daddr(), Integer.toString(e.dport())), 1L, Long::sum);
            return false;
        }
        return true;
    }

    /** -c: libbpf-tools' table at the end (a blank line, then LADDR RADDR RPORT CONNECTS), or one JSON object per flow. */
    @Override
    protected void end(boolean json) {
        if (!count.value()) {
            return;
        }
        PrintWriter out = out();
        if (!json) {
            out.printf(Locale.ROOT, "%n%-25s %-25s %-20s %-10s%n", "LADDR", "RADDR", "RPORT", "CONNECTS");
        }
        for (Map.Entry<List<String>, Long> e : counts.entrySet()) {
            List<String> k = e.getKey();
            if (json) {
                Map<String, Object> o = Json.object();
                o.put("laddr", k.get(0));
                o.put("raddr", k.get(1));
                o.put("rport", Integer.parseInt(k.get(2)));
                o.put("connects", e.getValue());
                out.println(Json.write(o));
            } else {
                out.printf(Locale.ROOT, "%-25s %-25s %-20s %-10d%n", k.get(0), k.get(1), k.get(2), e.getValue());
            }
        }
        out.flush();
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
        StringBuilder sb = new StringBuilder();
        if (timestamp.value()) {
            sb.append(String.format(Locale.ROOT, "%-9.3f", e.sinceNs() / 1e9));
        }
        if (printUid.value()) {
            sb.append(String.format(Locale.ROOT, "%-6d", e.uid()));
        }
        if (containerColumn()) {
            sb.append(containerCell(e.container()));
        }
        return sb.append(String.format(Locale.ROOT, "%-6d %-16.16s %-2d %-16s %-16s %-5d%n", e.pid(), Text.safe(e.comm()), e.ipVersion(),
                e.saddr(), e.daddr(), e.dport())).toString();
    }
}
