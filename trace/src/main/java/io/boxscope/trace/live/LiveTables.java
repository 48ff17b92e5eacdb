package io.boxscope.trace.live;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.Passwd;
import io.boxscope.proc.tasks.OpenFd;
import io.boxscope.proc.tasks.SocketEndpoint;
import io.boxscope.proc.tasks.TaskInfo;
import io.boxscope.proc.tasks.TaskMemory;
import io.boxscope.proc.tasks.TaskTable;
import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.FdInfo;
import io.boxscope.trace.scap.FdType;
import io.boxscope.trace.scap.GroupInfo;
import io.boxscope.trace.scap.MachineInfo;
import io.boxscope.trace.scap.ThreadInfo;
import io.boxscope.trace.scap.UserInfo;

/**
 * The capture's header tables from the live machine, what libscap's proc scan puts in sysdig's
 * process, fd and user lists: every thread from /proc, every process's open fds (files with their
 * PPM_O_* open flags, sockets with their endpoints from the process's network namespace, pipes and
 * anonymous inodes by name), users from passwd. Interfaces are not listed (an empty interface list).
 */
public final class LiveTables {
    /**
     * A non-leader thread's flags: PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES (driver/ppm_events_public.h), as
     * libscap's proc scan lists threads; without CLONE_FILES sysdig gives the thread an fd table of its own.
     */
    static final int THREAD_FLAGS = (1 << 13) | 1;

    private LiveTables() {}

    /** Tables of {@code threads} (read by {@code proc} just before), with their processes' fds. */
    public static CaptureTables of(HostPaths paths, TaskTable proc, List<TaskInfo> threads, OpenFlags flags,
                                   int cpus) throws IOException {
        List<ThreadInfo> ts = new ArrayList<>();
        Map<Long, List<FdInfo>> fds = new HashMap<>();
        Map<Long, TaskMemory> memoryOf = new HashMap<>();
        for (TaskInfo t : threads) {
            // libscap's proc scan: vmsize/vmrss/vmswap from status, fdlimit from limits (the process's, for each thread)
            TaskMemory m = memoryOf.computeIfAbsent(t.pid(), proc::memory);
            String cwd = t.cwd().endsWith("/") ? t.cwd() : t.cwd() + "/";
            // libscap's scan: sid and vpgid from stat and status (TaskSession); the PL block has no tty
            ts.add(new ThreadInfo(t.tid(), t.pid(), t.ppid(), t.session().sid(), t.session().vpgid(), t.comm(), t.exe(), t.exepath(), t.args(),
                    cwd, m.fdLimit(), t.isMain() ? 0 : THREAD_FLAGS, t.uid(), t.gid(), (int) m.vmSizeKb(), (int) m.vmRssKb(),
                    (int) m.vmSwapKb(), 0, 0, List.of(), t.vtid(),
                    t.vpid(), t.cgroups(), "/", t.loginuid(), false));
            if (t.isMain()) {
                List<FdInfo> list = new ArrayList<>();
                for (OpenFd f : proc.fds(t.pid())) {
                    list.add(fdInfo(f, flags));
                }
                fds.put(t.tid(), list);
            }
        }
        List<UserInfo> users = new ArrayList<>();
        try {
            // libscap's user list: uid, gid, name, home directory and shell of each passwd entry (user.homedir, user.shell)
            Passwd.readEntries(paths).values().forEach(u -> users.add(new UserInfo(u.uid(), u.gid(), u.name(), u.home(), u.shell())));
        } catch (IOException e) {
            // no passwd under this root: user names print as numbers, as sysdig's do without a user list
        }
        String host = "";
        long memory = 0;
        long maxPid = 0;
        try {
            host = Files.readString(paths.procRoot().resolve("sys/kernel/hostname")).strip();
            maxPid = Long.parseLong(Files.readString(paths.procRoot().resolve("sys/kernel/pid_max")).strip());
            for (String line : Files.readAllLines(paths.procRoot().resolve("meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memory = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the machine block is informational: zeros where /proc does not say
        }
        return new CaptureTables(new MachineInfo(cpus, memory, maxPid, host), List.of(), users, List.<GroupInfo>of(), ts, fds);
    }

    /** One fd as libscap's proc scan lists it. */
    static FdInfo fdInfo(OpenFd f, OpenFlags flags) {
        return switch (f.kind()) {
            case FILE -> java.nio.file.Files.isDirectory(java.nio.file.Path.of(f.target()))
                    ? FdInfo.named(f.fd(), 0, FdType.DIRECTORY, f.target())
                    : FdInfo.file(f.fd(), 0, f.target(), f.flags() < 0 ? 0 : (int) flags.toScap(f.flags()), 0);
            case PIPE -> FdInfo.named(f.fd(), f.inode(), FdType.FIFO, "");
            case ANON_INODE -> FdInfo.named(f.fd(), 0, anonType(f.target()), "");
            case SOCKET -> socket(f);
            case OTHER -> FdInfo.named(f.fd(), 0, FdType.UNSUPPORTED, f.target());
        };
    }

    private static FdType anonType(String target) {
        return switch (target) {
            case "anon_inode:[eventfd]" -> FdType.EVENT;
            case "anon_inode:[signalfd]" -> FdType.SIGNALFD;
            case "anon_inode:[eventpoll]" -> FdType.EVENTPOLL;
            case "anon_inode:inotify" -> FdType.INOTIFY;
            case "anon_inode:[timerfd]" -> FdType.TIMERFD;
            default -> FdType.UNSUPPORTED; // libscap's proc scan: any other anonymous inode
        };
    }

    /** Whether a socket table's remote address is all zeros (0.0.0.0 or ::). */
    private static boolean unconnected(byte[] remote) {
        for (byte b : remote) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static FdInfo socket(OpenFd f) {
        SocketEndpoint s = f.socket();
        if (s == null) {
            return FdInfo.named(f.fd(), f.inode(), FdType.UNSUPPORTED, f.target()); // netlink, packet, ...
        }
        if (s.proto().equals("unix")) {
            return new FdInfo(f.fd(), f.inode(), FdType.UNIX_SOCK, s.path(), 0, 0,
                    new FdInfo.SocketInfo(new byte[0], 0, new byte[0], 0, 0, 0, 0));
        }
        int l4 = s.proto().equals("tcp") ? 2 : 3; // SCAP_L4_TCP, SCAP_L4_UDP
        boolean v4 = s.family() == 4;
        // libscap's proc scan (scap_fds.c, libs e5c53d64) lists a socket with no remote address as a server socket
        // (dip == 0, scap_fd_is_ipv6_server_socket), whatever its state: a listening TCP socket, and a bound UDP one too
        FdType type = unconnected(s.remoteAddr()) ? (v4 ? FdType.IPV4_SERVSOCK : FdType.IPV6_SERVSOCK)
                : (v4 ? FdType.IPV4_SOCK : FdType.IPV6_SOCK);
        return new FdInfo(f.fd(), f.inode(), type, "", 0, 0,
                new FdInfo.SocketInfo(s.localAddr(), s.localPort(), s.remoteAddr(), s.remotePort(), l4, 0, 0));
    }
}
