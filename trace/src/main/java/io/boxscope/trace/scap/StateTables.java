package io.boxscope.trace.scap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header tables of a capture file opened in the middle of a capture (a {@code -C}/{@code -G} rotation), written
 * from the {@link Inspector}'s own thread and fd tables as the events have left them, not from /proc. This is what
 * libsinsp does: {@code sinsp_dumper::open} (userspace/libsinsp/dumper.cpp) has the thread manager write its
 * in-memory state ({@code sinsp_thread_manager::dump_threads_to_file}, threadinfo.cpp, libs e5c53d64): every thread
 * of the table with its own fields ({@code m_cwd}, {@code "/"} when empty), and the fd table of each main thread
 * ({@code fd_to_scap}). So a rotation reads nothing from /proc, and an fd opened during the previous file (or before
 * the capture) is named in the next one as long as the events that made it were seen.
 *
 * <p>What the inspector does not keep is written as libscap's defaults: files' open flags 0 and pipes' inodes 0 (the
 * inspector keeps neither), the process's root {@code /}. A thread the inspector made for an event of a thread it did
 * not know (no name yet) is left out: the live capture describes such a thread with a state-only clone event before
 * its next event in the new file. An fd of an unknown kind ({@link FdType#UNKNOWN}, a socket of a family sinsp does
 * not model) is left out, as libscap has no entry for it.
 */
public final class StateTables {
    private StateTables() {}

    /**
     * The tables as {@code inspector} holds them now; machine, users, groups and interfaces are {@code first}'s (the
     * capture's start: sinsp's user and group managers are in memory too).
     */
    public static CaptureTables of(Inspector inspector, CaptureTables first) {
        List<ThreadInfo> threads = new ArrayList<>();
        Map<Long, List<FdInfo>> fds = new HashMap<>();
        for (Inspector.Thread t : inspector.threads().values()) {
            if (t.comm == null || t.describedContainer != null) {
                continue;
            }
            boolean main = t.tid == t.pid;
            Inspector.Thread leader = main ? t : inspector.thread(t.pid);
            int flags = (t.cloneThread ? ThreadRules.CLONE_THREAD : 0)
                    | (!main && leader != null && leader.fds == t.fds ? ThreadRules.CLONE_FILES : 0);
            String cwd = ScapPaths.cwdOf(t);
            threads.add(new ThreadInfo(t.tid, t.pid, t.ptid, t.sid, t.vpgid, t.comm, orEmpty(t.exe), orEmpty(t.exepath),
                    t.args, cwd.isEmpty() ? "/" : cwd, t.fdlimit, flags, (int) t.uid, (int) t.gid, (int) t.vmsizeKb,
                    (int) t.vmrssKb, (int) t.vmswapKb, t.pfMajor, t.pfMinor, t.env, t.vtid, t.vpid, t.cgroups, "/",
                    t.loginuid, t.exeWritable));
            if (main) {
                List<FdInfo> list = new ArrayList<>();
                t.fds().forEach((fd, f) -> {
                    FdInfo info = fdInfo(fd, f);
                    if (info != null) {
                        list.add(info);
                    }
                });
                fds.put(t.tid, list);
            }
        }
        return new CaptureTables(first.machine(), first.interfaces(), first.users(), first.groups(), threads, fds);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * One fd as sinsp_threadinfo::fd_to_scap writes it. A socket bound to a port (named {@code ADDR:PORT}, no tuple)
     * is written as a server socket, as parse_bind_exit makes it one (SCAP_FD_IPV4_SERVSOCK) when the port is not 0.
     */
    static FdInfo fdInfo(long fd, Inspector.Fd f) {
        return switch (f.type()) {
            case UNKNOWN -> null;
            case FILE, FILE_V2 -> FdInfo.file(fd, 0, f.name(), 0, f.dev());
            case IPV4_SOCK, IPV6_SOCK -> socket(fd, f, f.type() == FdType.IPV4_SOCK ? 4 : 16);
            case IPV4_SERVSOCK, IPV6_SERVSOCK -> server(fd, f, f.type() == FdType.IPV4_SERVSOCK ? 4 : 16);
            case UNIX_SOCK -> new FdInfo(fd, 0, FdType.UNIX_SOCK, f.name(), 0, 0,
                    new FdInfo.SocketInfo(new byte[0], 0, new byte[0], 0, 0, unixEnd(f.name(), 0), unixEnd(f.name(), 1)));
            case DIRECTORY, FIFO, EVENT, UNSUPPORTED, SIGNALFD, EVENTPOLL, INOTIFY, TIMERFD, NETLINK ->
                    FdInfo.named(fd, 0, f.type(), f.name());
        };
    }

    private static FdInfo socket(long fd, Inspector.Fd f, int len) {
        SocketTuples.Endpoints e = f.ends();
        if (e == null) {
            FdInfo bound = server(fd, f, len);
            if (bound != null && bound.socket().sport() != 0) {
                return bound;
            }
            return new FdInfo(fd, 0, f.type(), "", 0, 0,
                    new FdInfo.SocketInfo(new byte[len], 0, new byte[len], 0, f.l4proto(), 0, 0));
        }
        return new FdInfo(fd, 0, f.type(), "", 0, 0, new FdInfo.SocketInfo(sized(e.sip(), len), e.sport(),
                sized(e.dip(), len), e.dport(), f.l4proto(), 0, 0));
    }

    /**
     * A server socket from its name, {@code ADDR:PORT} ({@link EventFormatter#address}), or from its memory for a bound
     * IPv6 socket after a datagram ({@link SocketTuples#bound}); null when it is not one. A socket bound to an IPv4-mapped
     * or zero IPv6 address is an IPv4 server socket, as parse_bind_exit makes it.
     */
    private static FdInfo server(long fd, Inspector.Fd f, int len) {
        SocketTuples.Endpoints b = SocketTuples.bound(f);
        if (b == null || b.sip().length != len) {
            return null;
        }
        FdType type = len == 4 ? FdType.IPV4_SERVSOCK : FdType.IPV6_SERVSOCK;
        return new FdInfo(fd, 0, type, "", 0, 0, new FdInfo.SocketInfo(b.sip(), b.sport(), new byte[0], 0, f.l4proto(), 0, 0));
    }

    private static byte[] sized(byte[] a, int len) {
        return a != null && a.length == len ? a : new byte[len];
    }

    /** The source (0) or destination (1) kernel address of a unix socket named {@code HEX->HEX PATH}, else 0. */
    private static long unixEnd(String name, int which) {
        int arrow = name.indexOf("->");
        int space = name.indexOf(' ', Math.max(arrow, 0));
        if (arrow <= 0 || space < 0) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(which == 0 ? name.substring(0, arrow) : name.substring(arrow + 2, space), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Whether events of this type (an exit's) change the thread or fd tables ({@link EventKinds.Op} other than
     * NONE): a capture that writes such tables mid-way must apply them, both their enter and their exit.
     */
    public static boolean changesTables(int type) {
        return EventKinds.op(type) != EventKinds.Op.NONE;
    }
}
