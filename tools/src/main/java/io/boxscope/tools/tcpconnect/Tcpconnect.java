package io.boxscope.tools.tcpconnect;

import java.util.List;
import java.util.Set;
import io.boxscope.tools.core.Args;
import io.boxscope.tools.core.Containers;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.PackedAddress;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolTarget;

/**
 * libbpf-tools' tcpconnect without kprobes ({@code tcpconnect.bt}): each TCP socket that moves to
 * SYN_SENT in a process's connect(). Differences from libbpf-tools (kretprobes on
 * tcp_v4/v6_connect): a connect() that fails after the state change (no free local port) is still
 * shown, and the source port (-s) is not known yet at that point, so -s is not offered.
 */
public final class Tcpconnect extends EventTool<ConnectEvent> {
    /**
     * @param uid   trace only this user (-u), or null
     * @param ports only these destination ports (-P), empty for all
     */
    public record Options(Integer uid, Set<Integer> ports) {
        public Options {
            ports = Set.copyOf(ports);
            if (uid != null && uid < 0) {
                throw new IllegalArgumentException("invalid UID " + uid + " (give a user id, 0 or above)");
            }
            for (int p : ports) {
                if (p < 1 || p > 65535) {
                    throw new IllegalArgumentException("invalid port " + p);
                }
            }
        }
    }

    private final Options options;
    private long first = -1;

    public Tcpconnect(Options options) {
        this.options = options;
    }

    @Override
    protected ToolScript script() {
        return ToolScript.of(Tcpconnect.class, "tcpconnect");
    }

    @Override
    protected List<String> params(ToolTarget target) {
        return List.of(target.pidParam(), options.uid() == null ? "0" : "1", options.uid() == null ? "0" : Integer.toString(options.uid()));
    }

    /** C pid uid comm family dport saddr4 daddr4 saddr6_hi saddr6_lo daddr6_hi daddr6_lo cgroup container */
    @Override
    protected ConnectEvent decode(int formatId, Args a) {
        if (!a.tag().equals("C")) {
            throw new IllegalStateException("tcpconnect.bt printed an unknown record: " + a.format());
        }
        int dport = (int) a.i(4);
        if (!options.ports().isEmpty() && !options.ports().contains(dport)) {
            return null;
        }
        long now = System.nanoTime();
        if (first < 0) {
            first = now;
        }
        int v = (int) a.i(3);
        if (v == 6 && PackedAddress.mapped(a.i(7), a.i(8)) && PackedAddress.mapped(a.i(9), a.i(10))) {
            // an IPv6 socket connecting to ::ffff:a.b.c.d: the kernel does it as IPv4 (tcp_v6_connect calls
            // tcp_v4_connect), and libbpf-tools report it from there, as IPv4
            return new ConnectEvent(now - first, (int) a.i(0), (int) a.i(1), a.s(2), 4, PackedAddress.v4(a.i(8) >>> 32), PackedAddress.v4(a.i(10) >>> 32), dport,
                    Containers.name(a.i(11), a.s(12)));
        }
        String s = v == 4 ? PackedAddress.v4(a.i(5)) : PackedAddress.v6(a.i(7), a.i(8));
        String d = v == 4 ? PackedAddress.v4(a.i(6)) : PackedAddress.v6(a.i(9), a.i(10));
        return new ConnectEvent(now - first, (int) a.i(0), (int) a.i(1), a.s(2), v, s, d, dport, Containers.name(a.i(11), a.s(12)));
    }
}
