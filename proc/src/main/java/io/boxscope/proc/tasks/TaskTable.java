package io.boxscope.proc.tasks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.HostPaths;

/**
 * Reads the thread and fd tables of the running system from /proc, as a system call tracer needs them at
 * the start of a capture (libscap's proc scan does the same for sysdig's process and fd lists): every
 * thread's identity, command line, working directory and credentials, and every process's open fds with
 * sockets resolved through its network namespace's tables. Processes come and go while this runs: one that
 * vanishes is skipped and counted, never an error.
 */
public final class TaskTable {
    private final HostPaths paths;
    private int vanished;

    public TaskTable(HostPaths paths) {
        this.paths = paths;
    }

    /** Processes (or threads) that exited while they were being read. */
    public int vanished() {
        return vanished;
    }

    /** Every thread of every process. */
    public List<TaskInfo> threads() throws IOException {
        List<TaskInfo> out = new ArrayList<>();
        for (long pid : numbered(paths.procRoot())) {
            out.addAll(process(pid));
        }
        return out;
    }

    /**
     * Every thread of every process now, reading only what changed since {@code earlier} (a {@link #threads} of a
     * moment ago): a process whose thread ids are the ones {@code earlier} has keeps those threads as they were
     * read; a new process, or one whose threads changed, is read now; one that is gone is left out. Listing
     * /proc and each process's task directory is all it costs for the others, so a capture's start reads the
     * table once before attaching and only lists it after (an exec in between is not seen: the comm and
     * command line are the ones of the earlier read).
     */
    public List<TaskInfo> since(List<TaskInfo> earlier) throws IOException {
        Map<Long, List<TaskInfo>> byPid = new HashMap<>();
        for (TaskInfo t : earlier) {
            byPid.computeIfAbsent(t.pid(), k -> new ArrayList<>()).add(t);
        }
        List<TaskInfo> out = new ArrayList<>();
        for (long pid : numbered(paths.procRoot())) {
            List<TaskInfo> known = byPid.get(pid);
            if (known != null) {
                List<Long> tids;
                try {
                    tids = numbered(paths.procRoot().resolve(Long.toString(pid)).resolve("task"));
                } catch (IOException e) {
                    vanished++;
                    continue;
                }
                if (tids.size() == known.size() && known.stream().allMatch(t -> tids.contains(t.tid()))) {
                    out.addAll(known);
                    continue;
                }
            }
            out.addAll(process(pid));
        }
        return out;
    }

    /**
     * Memory sizes and fd limit of process {@code pid}; {@link TaskMemory#NONE} when it has exited (or the
     * files cannot be read: a process that vanished is counted, never an error).
     */
    public TaskMemory memory(long pid) {
        Path dir = paths.procRoot().resolve(Long.toString(pid));
        try {
            String status = read(dir.resolve("status"));
            String limits;
            try {
                limits = read(dir.resolve("limits"));
            } catch (IOException e) {
                limits = null; // unreadable limits: the size is still known, the limit is not (-1)
            }
            return TaskMemory.parse(status, limits);
        } catch (IOException e) {
            vanished++;
            return TaskMemory.NONE;
        }
    }

    /** The threads of one process, main thread first; empty when it has exited. */
    public List<TaskInfo> process(long pid) {
        Path dir = paths.procRoot().resolve(Long.toString(pid));
        try {
            String status = read(dir.resolve("status"));
            List<String> cmdline = nulSeparated(readBytes(dir.resolve("cmdline")));
            String exepath = link(dir.resolve("exe"));
            String cwd = link(dir.resolve("cwd"));
            List<String> cgroups = cgroups(read(dir.resolve("cgroup")));
            int loginuid = -1;
            try {
                loginuid = (int) Long.parseLong(read(dir.resolve("loginuid")).strip());
            } catch (IOException | NumberFormatException e) {
                // no audit support: libscap reports -1 too
            }
            String stat = readOrNull(dir.resolve("stat"));
            TaskSession session = stat == null ? TaskSession.UNKNOWN : TaskSession.parse(stat, Status.field(status, "NSpgid"));
            String exe = cmdline.isEmpty() ? "" : cmdline.getFirst();
            List<String> args = cmdline.isEmpty() ? List.of() : cmdline.subList(1, cmdline.size());
            List<TaskInfo> out = new ArrayList<>();
            List<Long> tids = numbered(dir.resolve("task"));
            tids.remove(pid);
            tids.addFirst(pid);
            for (long tid : tids) {
                String ts = tid == pid ? status : readOrNull(dir.resolve("task").resolve(Long.toString(tid)).resolve("status"));
                if (ts == null) {
                    vanished++;
                    continue;
                }
                Status s = Status.parse(ts);
                out.add(new TaskInfo(tid, pid, s.ppid, s.name, exe, exepath, args, cwd, s.uid, s.gid,
                        s.nsTid, s.nsPid, cgroups, loginuid, session));
            }
            return out;
        } catch (IOException e) {
            vanished++;
            return List.of();
        }
    }

    /** The open fds of process {@code pid}, sockets resolved; empty when it has exited or hides them. */
    public List<OpenFd> fds(long pid) {
        Path dir = paths.procRoot().resolve(Long.toString(pid));
        List<OpenFd> out = new ArrayList<>();
        List<Long> fds;
        try {
            fds = numbered(dir.resolve("fd"));
        } catch (IOException e) {
            return out;
        }
        Map<Long, SocketEndpoint> sockets = null;
        for (long fd : fds) {
            String target = link(dir.resolve("fd").resolve(Long.toString(fd)));
            if (target.isEmpty()) {
                continue; // closed since the listing
            }
            int flags = -1;
            String info = readOrNull(dir.resolve("fdinfo").resolve(Long.toString(fd)));
            if (info != null) {
                flags = fdinfoFlags(info);
            }
            OpenFd f = OpenFd.of((int) fd, target, flags, null);
            if (f.kind() == OpenFd.Kind.SOCKET) {
                if (sockets == null) {
                    sockets = sockets(dir.resolve("net"));
                }
                f = OpenFd.of((int) fd, target, flags, sockets.get(f.inode()));
            }
            out.add(f);
        }
        return out;
    }

    /** Sockets by inode from a network namespace's tables (tcp, tcp6, udp, udp6, unix). */
    public static Map<Long, SocketEndpoint> sockets(Path netDir) {
        Map<Long, SocketEndpoint> out = new HashMap<>();
        for (String t : List.of("tcp", "tcp6", "udp", "udp6")) {
            String text = readOrNull(netDir.resolve(t));
            if (text != null) {
                parseInet(text, t.startsWith("tcp") ? "tcp" : "udp", out);
            }
        }
        String unix = readOrNull(netDir.resolve("unix"));
        if (unix != null) {
            parseUnix(unix, out);
        }
        return out;
    }

    /** Parses /proc/net/tcp{,6} or udp{,6} text (proc(5)) into {@code out}, by inode. */
    public static void parseInet(String text, String proto, Map<Long, SocketEndpoint> out) {
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 10 || !f[0].endsWith(":")) {
                continue; // header
            }
            try {
                String[] local = f[1].split(":");
                String[] remote = f[2].split(":");
                byte[] la = address(local[0]);
                byte[] ra = address(remote[0]);
                int state = Integer.parseInt(f[3], 16);
                long inode = Long.parseLong(f[9]);
                out.put(inode, new SocketEndpoint(proto, la.length == 4 ? 4 : 6, la, Integer.parseInt(local[1], 16),
                        ra, Integer.parseInt(remote[1], 16), proto.equals("tcp") && state == 10, ""));
            } catch (RuntimeException e) {
                // a line of another layout: skip it, the socket stays unresolved
            }
        }
    }

    /**
     * An address as the kernel prints it: each 32-bit word of the network-order bytes read as a native
     * integer and printed %08X (net/ipv4/tcp_ipv4.c, net/ipv6/tcp_ipv6.c).
     */
    static byte[] address(String hex) {
        ByteBuffer b = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i + 8 <= hex.length(); i += 8) {
            b.putInt((int) Long.parseLong(hex.substring(i, i + 8), 16));
        }
        return b.array();
    }

    /** Parses /proc/net/unix (Num RefCount Protocol Flags Type St Inode [Path]) into {@code out}. */
    public static void parseUnix(String text, Map<Long, SocketEndpoint> out) {
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+", 8);
            if (f.length < 7 || !f[0].endsWith(":")) {
                continue;
            }
            try {
                long inode = Long.parseLong(f[6]);
                out.put(inode, new SocketEndpoint("unix", 0, new byte[0], 0, new byte[0], 0,
                        f[5].equals("01"), f.length > 7 ? f[7] : ""));
            } catch (NumberFormatException e) {
                // skip
            }
        }
    }

    /** fdinfo's {@code flags:} (octal), or -1. */
    public static int fdinfoFlags(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith("flags:")) {
                try {
                    return Integer.parseInt(line.substring(6).strip(), 8);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** /proc/PID/cgroup lines ({@code id:controllers:path}) as {@code controllers=path}. */
    public static List<String> cgroups(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            int a = line.indexOf(':');
            int b = a < 0 ? -1 : line.indexOf(':', a + 1);
            if (b > 0) {
                out.add(line.substring(a + 1, b) + "=" + line.substring(b + 1));
            }
        }
        return out;
    }

    /** The fields of /proc/PID/status a thread table uses. */
    record Status(String name, long ppid, int uid, int gid, long nsPid, long nsTid) {
        static Status parse(String text) {
            String name = "";
            long ppid = 0;
            int uid = 0;
            int gid = 0;
            long nsPid = -1;
            long nsTid = -1;
            for (String line : text.split("\n")) {
                int c = line.indexOf(':');
                if (c < 0) {
                    continue;
                }
                String v = line.substring(c + 1).strip();
                switch (line.substring(0, c)) {
                    case "Name" -> name = v;
                    case "PPid" -> ppid = Long.parseLong(v);
                    case "Uid" -> uid = (int) Long.parseLong(v.split("\\s+")[1]);
                    case "Gid" -> gid = (int) Long.parseLong(v.split("\\s+")[1]);
                    case "NSpid" -> nsTid = last(v);
                    case "NStgid" -> nsPid = last(v);
                    default -> { }
                }
            }
            // a thread's NSpid is its tid in each PID namespace, NStgid its group's id (proc(5))
            return new Status(name, ppid, uid, gid, nsPid, nsTid);
        }

        /** The value of status line {@code NAME:}, or null when there is none. */
        static String field(String text, String name) {
            for (String line : text.split("\n")) {
                if (line.startsWith(name + ":")) {
                    return line.substring(name.length() + 1);
                }
            }
            return null;
        }

        private static long last(String v) {
            String[] f = v.split("\\s+");
            return Long.parseLong(f[f.length - 1]);
        }
    }

    private static List<Long> numbered(Path dir) throws IOException {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(dir)) {
            for (Path p : d) {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
                    out.add(Long.parseLong(n));
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static List<String> nulSeparated(byte[] b) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < b.length) {
            out.add(new String(b, start, b.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String link(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(Path p) throws IOException {
        return Files.readAllBytes(p);
    }

    private static String readOrNull(Path p) {
        try {
            return read(p);
        } catch (IOException e) {
            return null;
        }
    }
}
