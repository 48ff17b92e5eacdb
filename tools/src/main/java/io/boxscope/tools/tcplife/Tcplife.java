package io.boxscope.tools.tcplife;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import io.boxscope.tools.core.Args;
import io.boxscope.tools.core.Containers;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.PackedAddress;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolTarget;

/**
 * libbpf-tools' tcplife on the probe language ({@code tcplife.bt}): every TCP session when it
 * closes, on sock:inet_sock_set_state as libbpf-tools (no kprobes), bytes from struct tcp_sock
 * through BTF. The PID filter is in the kernel, and so is --container's, on the socket's cgroup (see
 * {@link #filtersCgroupItself}: exactly that cgroup, not its descendants); the family (-4/-6) and port filters (-L/-D) are
 * applied here, to the closed session's ports (libbpf-tools checks them at every state change, where
 * a connecting socket's local port is still 0 at SYN_SENT).
 */
public final class Tcplife extends EventTool<TcpSession> {
    /**
     * @param family      4 or 6 to keep only that family (-4, -6), or 0
     * @param localPorts  only these local ports (-L), empty for all
     * @param remotePorts only these remote ports (-D), empty for all
     */
    public record Options(int family, Set<Integer> localPorts, Set<Integer> remotePorts) {
        public Options {
            localPorts = Set.copyOf(localPorts);
            remotePorts = Set.copyOf(remotePorts);
            if (family != 0 && family != 4 && family != 6) {
                throw new IllegalArgumentException("invalid family " + family + " (4 or 6)");
            }
            for (int p : localPorts) {
                check(p);
            }
            for (int p : remotePorts) {
                check(p);
            }
        }

        private static void check(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("invalid port " + port);
            }
        }

        public static Options all() {
            return new Options(0, Set.of(), Set.of());
        }
    }

    private final Options options;
    /** --container's name: every session shown is that container's (its sockets' cgroup); null without. */
    private String container;

    public Tcplife(Options options) {
        this.options = options;
    }

    @Override
    protected ToolScript script() {
        return ToolScript.of(Tcplife.class, "tcplife");
    }

    /**
     * --container: the socket's cgroup (the task's that created it; an accepted socket has its
     * listener's), not the task current at the state change, which is often another (softirq).
     */
    @Override
    protected boolean filtersCgroupItself() {
        return true;
    }

    /** $2: the target's cgroup v2 id (the directory's inode number, which the kernel uses as the id), or 0. */
    @Override
    protected List<String> params(ToolTarget target) {
        long id = 0;
        container = target.containerName();
        if (target.cgroupDir() != null) {
            try {
                id = ((Number) Files.getAttribute(target.cgroupDir(), "unix:ino")).longValue();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the cgroup id of " + target.cgroupDir(), e);
            }
        }
        return List.of(target.pidParam(), Long.toString(id));
    }

    /**
     * L nsecs pid comm family lport rport tx rx span saddr4 daddr4 saddr6_hi saddr6_lo daddr6_hi
     * daddr6_lo cgroup container
     */
    @Override
    protected TcpSession decode(int formatId, Args a) {
        if (!a.tag().equals("L")) {
            throw new IllegalStateException("tcplife.bt printed an unknown record: " + a.format());
        }
        int v = (int) a.i(3);
        int lport = (int) a.i(4);
        int rport = (int) a.i(5);
        if ((options.family() != 0 && options.family() != v)
                || (!options.localPorts().isEmpty() && !options.localPorts().contains(lport))
                || (!options.remotePorts().isEmpty() && !options.remotePorts().contains(rport))) {
            return null;
        }
        String l = v == 4 ? PackedAddress.v4(a.i(9)) : PackedAddress.v6(a.i(11), a.i(12));
        String r = v == 4 ? PackedAddress.v4(a.i(10)) : PackedAddress.v6(a.i(13), a.i(14));
        // without --container, the container of the task current at the close (often not the socket's)
        return new TcpSession(a.i(0), (int) a.i(1), a.s(2), v, l, lport, r, rport, a.i(6), a.i(7), a.i(8),
                container != null ? container : Containers.name(a.i(15), a.s(16)));
    }
}
