package io.boxscope.cli.tools;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import io.boxscope.cli.Opt;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.Pad;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.tcplife.TcpSession;
import io.boxscope.tools.tcplife.Tcplife;

/**
 * {@code boxscope tcplife}: libbpf-tools' tcplife (-p -4 -6 -L -D -T -w), its columns and widths,
 * plus BCC tcplife's -t (seconds since the first session), --container, -C and --json. -w is
 * today's libbpf-tools' 39 columns, which fit any IPv6 address (the installed 0.26 used 26).
 * --container filters on the socket's cgroup, not on the task current at a state change (often
 * another, in softirq context): docs/tools.md.
 */
public final class TcplifeCommand extends ToolCommand<TcpSession> {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    final Opt<Boolean> ipv4 = flag("-4", "--ipv4").help("Trace IPv4 only");
    final Opt<Boolean> ipv6 = flag("-6", "--ipv6").help("Trace IPv6 only");
    final Opt<String> localPorts = option(String.class, null, "-L", "--localport").label("LOCALPORT")
            .help("Comma-separated list of local ports to trace.");
    final Opt<String> remotePorts = option(String.class, null, "-D", "--remoteport").label("REMOTEPORT")
            .help("Comma-separated list of remote ports to trace.");
    final Opt<Boolean> time = flag("-T", "--time").help("Include timestamp on output");
    final Opt<Boolean> timestamp = flag("-t", "--timestamp").help("Include time column on output (seconds since the first session, BCC)");
    final Opt<Boolean> wide = flag("-w", "--wide").help("Wide column output (fits IPv6 addresses)");

    private long first = -1;

    public TcplifeCommand() {
        super("tcplife", "-C", "Trace the lifespan of TCP sessions and summarize (libbpf-tools tcplife, on the",
                "sock:inet_sock_set_state tracepoint). Needs root (CAP_BPF + CAP_PERFMON).");
        examples("  boxscope tcplife -p 1215        only trace PID 1215",
                "  boxscope tcplife -p 1215 -4     trace IPv4 only",
                "  boxscope tcplife -L 80 -T       only local port 80, with the time",
                "  boxscope tcplife -D 5432,6379   only remote ports 5432 and 6379",
                "  boxscope tcplife -w -6          IPv6 addresses in wide columns",
                "  boxscope tcplife --container web -C",
                "  boxscope tcplife --json -d 10 | jq -c '[.comm, .rport, .tx_bytes, .rx_bytes]'");
    }

    @Override
    protected EventTool<TcpSession> tool(ToolTarget target) {
        if (ipv4.value() && ipv6.value()) {
            throw new UsageException("-4 and -6 exclude each other: give one");
        }
        try {
            return new Tcplife(new Tcplife.Options(ipv4.value() ? 4 : ipv6.value() ? 6 : 0, ports("-L", localPorts.value()),
                    ports("-D", remotePorts.value())));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private int width() {
        return wide.value() ? 39 : 15;
    }

    @Override
    protected String header(ToolTarget target) {
        StringBuilder sb = new StringBuilder();
        if (time.value()) {
            sb.append(String.format(Locale.ROOT, "%-8s ", "TIME(s)"));
        }
        if (timestamp.value()) {
            sb.append(String.format(Locale.ROOT, "%-9s ", "TIME(s)"));
        }
        if (containerColumn()) {
            sb.append(String.format(Locale.ROOT, "%-16s ", "CONTAINER"));
        }
        int w = width();
        return sb.append(String.format(Locale.ROOT, "%-7s %-16s %-" + w + "s %-5s %-" + w + "s %-5s %-6s %-6s %s%n", "PID", "COMM",
                "LADDR", "LPORT", "RADDR", "RPORT", "TX_KB", "RX_KB", "MS")).toString();
    }

    @Override
    protected Map<String, Object> json(TcpSession e) {
        Map<String, Object> o = Json.object();
        o.put("elapsed_ns", elapsed(e));
        o.put("container", e.container());
        o.put("pid", e.pid());
        o.put("comm", e.comm());
        o.put("ip", e.ipVersion());
        o.put("laddr", e.laddr());
        o.put("lport", e.lport());
        o.put("raddr", e.raddr());
        o.put("rport", e.rport());
        o.put("tx_bytes", e.txBytes());
        o.put("rx_bytes", e.rxBytes());
        o.put("span_ns", e.spanNs());
        return o;
    }

    /** libbpf-tools tcplife's handle_event line: KB and MS with two decimals. */
    @Override
    protected String line(TcpSession e) {
        StringBuilder sb = new StringBuilder(160);
        if (time.value()) {
            Pad.right(sb, LocalTime.now().format(HMS), 8).append(' ');
        }
        if (timestamp.value()) {
            Pad.fixedLeft(sb, elapsed(e), 9, 6, 9).append(' '); // %-9.6f of seconds
        }
        if (containerColumn()) {
            sb.append(containerCell(e.container()));
        }
        return line(sb, e, width(), escaping()).toString();
    }

    /** "%-7d %-16s %-Ws %-5d %-Ws %-5d %-6s %-6s %s%n" (W: the address width) without String.format (Pad.left). */
    static StringBuilder line(StringBuilder sb, TcpSession e, int w, java.util.function.UnaryOperator<String> escape) {
        Pad.left(sb, e.pid(), 7).append(' ');
        Pad.left(sb, escape.apply(e.comm()), 16).append(' ');
        Pad.left(sb, e.laddr(), w).append(' ');
        Pad.left(sb, e.lport(), 5).append(' ');
        Pad.left(sb, e.raddr(), w).append(' ');
        Pad.left(sb, e.rport(), 5).append(' ');
        Pad.left(sb, twoDecimals(e.txBytes() / 1024.0), 6).append(' ');
        Pad.left(sb, twoDecimals(e.rxBytes() / 1024.0), 6).append(' ');
        return sb.append(twoDecimals(e.spanNs() / 1000 / 1000.0)).append(System.lineSeparator());
    }

    /**
     * C's {@code %.2f}: glibc rounds the double's exact value, a tie to even (128 bytes are 0.125 KB:
     * "0.12"); Java's {@code %.2f} rounds a tie up.
     */
    static String twoDecimals(double v) {
        return new BigDecimal(v).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    private long elapsed(TcpSession e) {
        if (first < 0) {
            first = e.timestampNs();
        }
        return e.timestampNs() - first;
    }
}
