package io.boxscope.cli.trace;

import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.FdInfo;
import io.boxscope.trace.scap.FdType;
import io.boxscope.trace.scap.GroupInfo;
import io.boxscope.trace.scap.MachineInfo;
import io.boxscope.trace.scap.ParamValue;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import io.boxscope.trace.scap.UserInfo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A capture over seven seconds for the chisels that look at time, processes and the tables: an ssh login
 * shell (bash 100 under sshd 50) changes directory and runs {@code ls -l} (which opens, reads slowly and
 * exits) and {@code sleep 5} (which sleeps 3.2 s and exits); nginx (300, with a second thread 301 and a
 * third 302 cloned during the capture) listens on port 80, has a connection open from before the capture,
 * accepts another, and writes its log with some slow writes; the driver's procinfo events report each
 * process's CPU time every second. Written with trace's writer; values follow what the driver records.
 */
final class SessionCapture {
    static final long T0 = 1_700_000_000_000_000_000L;
    private static final byte[] ANY = {0, 0, 0, 0};
    private static final byte[] ME = {10, 0, 0, 1};
    private static final byte[] PEER = {10, 0, 0, 9};
    private static final byte[] PEER2 = {10, 0, 0, 7};

    private final List<ScapEvent> events = new ArrayList<>();
    private long ts = T0;

    private SessionCapture() {}

    static Path write(Path file) throws Exception {
        SessionCapture c = new SessionCapture();
        c.workload();
        return ChiselCapture.write(file, tables(), c.events);
    }

    private static ThreadInfo thread(long tid, long pid, long ptid, String comm, String exe, List<String> args, String cwd,
                                     int flags, int uid, int vmsizeKb, int vmrssKb, long fdlimit) {
        return new ThreadInfo(tid, pid, ptid, pid, pid, comm, exe, exe, args, cwd, fdlimit, flags, uid, uid, vmsizeKb,
                vmrssKb, 0, 0, 0, List.of(), tid, pid, List.of(), "/", -1, false);
    }

    private static CaptureTables tables() {
        int threadFlags = (1 << 13) | 1; // PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES
        List<ThreadInfo> threads = List.of(
                thread(1, 1, 0, "systemd", "/sbin/init", List.of(), "/", 0, 0, 170_000, 12_000, 524288),
                thread(50, 50, 1, "sshd", "/usr/sbin/sshd", List.of("-D"), "/", 0, 0, 15_000, 9_000, 1024),
                thread(100, 100, 50, "bash", "/bin/bash", List.of(), "/root/", 0, 0, 8_000, 4_000, 1024),
                thread(300, 300, 1, "nginx", "/usr/sbin/nginx", List.of("-g", "daemon off;"), "/", 0, 33, 60_000, 3_500, 4096),
                thread(301, 300, 1, "nginx", "/usr/sbin/nginx", List.of("-g", "daemon off;"), "/", threadFlags, 33, 60_000, 3_500, 4096));
        List<FdInfo> shell = List.of(FdInfo.file(0, 3, "/dev/pts/0", 3, 0x88), FdInfo.file(1, 3, "/dev/pts/0", 3, 0x88),
                FdInfo.file(2, 3, "/dev/pts/0", 3, 0x88), FdInfo.named(255, 0, FdType.DIRECTORY, "/root"));
        List<FdInfo> nginx = List.of(FdInfo.file(2, 4, "/var/log/nginx/error.log", 1025, 0x803),
                new FdInfo(3, 5, FdType.IPV4_SERVSOCK, "", 0, 0, new FdInfo.SocketInfo(ANY, 80, ANY, 0, 2, 0, 0)),
                FdInfo.ipv4(4, 6, PEER, 51000, ME, 80, 2),
                FdInfo.file(5, 7, "/var/log/nginx/access.log", 1025, 0x803),
                FdInfo.ipv4(6, 8, ME, 40000, PEER2, 53, 3));
        return new CaptureTables(new MachineInfo(4, 8L << 30, 4194304, "session-test"), List.of(),
                List.of(new UserInfo(0, 0, "root", "/root", "/bin/bash"), new UserInfo(33, 33, "www-data", "/var/www", "/usr/sbin/nologin")),
                List.of(new GroupInfo(0, "root"), new GroupInfo(33, "www-data")), threads,
                Map.of(50L, List.of(FdInfo.ipv4(3, 9, PEER, 60000, ME, 22, 2)), 100L, shell, 300L, nginx));
    }

    private void at(long offsetNs) {
        ts = Math.max(ts, T0 + offsetNs);
    }

    private long next(long gap) {
        ts += gap;
        return ts;
    }

    private void workload() {
        at(100_000_000);
        procinfo(100, 10, 5);
        procinfo(300, 100, 50);
        procinfo(301, 7, 1);
        io("READ", 300, 4, 420, 20_000);
        io("WRITE", 300, 4, 1800, 30_000);
        io("WRITE", 300, 5, 90, 2_500_000);
        // the shell: cd /tmp, then ls -l
        chdir(100, "/tmp", 4000);
        fork(100, 200, "bash", "/bin/bash");
        execve(200, "/bin/ls", "ls", List.of("-l"));
        open(200, 3, "/etc/passwd", 9000);
        io("READ", 200, 3, 2100, 15_300_000);
        io("READ", 200, 3, 0, 1200);
        io("WRITE", 200, 1, 512, 41_000);
        open(200, -2, "/etc/ls-colors", 3000);
        at(1_300_000_000);
        procinfo(100, 30, 5);
        procinfo(300, 150, 80);
        procinfo(301, 9, 1);
        exit(200);
        // nginx accepts a connection, serves it, logs
        accept(300, 7, PEER2, 52000, ME, 80, 60_000);
        io("RECVFROM", 300, 7, 380, 11_000);
        io("SENDTO", 300, 7, 5200, 95_000);
        io("WRITE", 300, 5, 120, 12_700_000);
        thread(300, 302);
        io("WRITE", 302, 5, 64, 1_100_000);
        at(2_600_000_000L);
        procinfo(100, 31, 6);
        procinfo(300, 190, 95);
        procinfo(302, 3, 0);
        // sleep 5 (killed after 3.2 s)
        fork(100, 201, "bash", "/bin/bash");
        execve(201, "/bin/sleep", "sleep", List.of("5"));
        sleep(201, 3_200_000_000L);
        io("READ", 302, 4, 77, 8_000);
        io("WRITE", 302, 4, 900, 8_500);
        exit(201);
        at(6_100_000_000L);
        procinfo(100, 33, 6);
        procinfo(300, 191, 96);
        io("WRITE", 300, 5, 120, 900);
        close(300, 7);
        io("READ", 100, 0, 1, 400_000_000);
        chdir(100, "/var/log", 3500);
    }

    private void procinfo(long tid, long usr, long sys) {
        events.add(ScapEvent.builder("PPME_PROCINFO_E", next(1000), tid, (int) (tid % 4)).num(usr).num(sys).build());
    }

    private void chdir(long tid, String path, long latency) {
        events.add(ScapEvent.builder("PPME_SYSCALL_CHDIR_E", next(500), tid, 0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_CHDIR_X", next(latency), tid, 0).num(0).str(path).build());
    }

    /** Strings each ended by a NUL, as the driver writes args and env (PT_BYTEBUF). */
    static byte[] nul(String... parts) {
        return nul(List.of(parts));
    }

    private static byte[] nul(List<String> parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            b.append(p).append('\0');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A clone's two exits (parent, child), as PPME_SYSCALL_CLONE_20_X records them. */
    private void clone(long parent, long child, long pid, String comm, String exe, int flags, long ptid) {
        events.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_E", next(500), parent, 0).build());
        events.add(cloneExit(next(70_000), parent, child, parent == pid ? pid : pid, ptid, comm, exe, flags));
        events.add(cloneExit(next(2_000), child, 0, pid, ptid, comm, exe, flags));
    }

    private ScapEvent cloneExit(long at, long tid, long res, long pid, long ptid, String comm, String exe, int flags) {
        return ScapEvent.builder("PPME_SYSCALL_CLONE_20_X", at, tid, 0).num(res).str(exe).bytes(nul(List.of()))
                .num(tid).num(pid).num(ptid).str("/").num(1024).num(0).num(5).num(8000).num(4000).num(0).str(comm)
                .bytes(nul(List.of())).num(flags).num(0).num(0).num(tid).num(pid).build();
    }

    private void fork(long parent, long child, String comm, String exe) {
        clone(parent, child, child, comm, exe, 0, parent);
    }

    private void thread(long parent, long child) {
        clone(parent, child, parent, "nginx", "/usr/sbin/nginx", (1 << 13) | 1, 1);
    }

    private void execve(long tid, String path, String comm, List<String> args) {
        events.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_E", next(500), tid, 0).str(path).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_X", next(300_000), tid, 0).num(0).str(path).bytes(nul(args))
                .num(tid).num(tid).num(100).str("/tmp/").num(1024).num(0).num(12).num(2000).num(500).num(0).str(comm)
                .bytes(nul(List.of())).bytes(nul(List.of("HOME=/root"))).num(34816).num(tid).num(0).num(0).build());
    }

    private void open(long tid, long fd, String path, long latency) {
        events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", next(500), tid, 0).num(-100).str(path).num(1).num(0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", next(latency), tid, 0).num(fd).num(-100).str(path).num(1)
                .num(0).num(fd < 0 ? 0 : 0x803).build());
    }

    private void io(String kind, long tid, long fd, long res, long latency) {
        int cpu = (int) (tid % 4);
        String e = kind.equals("RECVFROM") || kind.equals("SENDTO") ? "PPME_SOCKET_" + kind : "PPME_SYSCALL_" + kind;
        ScapEvent.Builder enter = ScapEvent.builder(e + "_E", next(500), tid, cpu).num(fd).num(Math.max(res, 1));
        if (kind.equals("SENDTO")) {
            enter.empty();
        }
        events.add(enter.build());
        byte[] data = new byte[(int) Math.max(0, Math.min(res, 32))];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        ScapEvent.Builder exit = ScapEvent.builder(e + "_X", next(latency), tid, cpu).num(res).bytes(data);
        if (kind.equals("RECVFROM")) {
            exit.empty();
        }
        events.add(exit.build());
    }

    private void accept(long tid, long fd, byte[] cip, int cport, byte[] sip, int sport, long latency) {
        events.add(ScapEvent.builder("PPME_SOCKET_ACCEPT_5_E", next(500), tid, 0).build());
        events.add(ScapEvent.builder("PPME_SOCKET_ACCEPT_5_X", next(latency), tid, 0).num(fd)
                .bytes(ParamValue.SockTuple.ipv4(cip, cport, sip, sport).encode()).num(0).num(0).num(128).build());
    }

    private void sleep(long tid, long ns) {
        events.add(ScapEvent.builder("PPME_SYSCALL_NANOSLEEP_E", next(500), tid, 0).num(ns).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_NANOSLEEP_X", next(ns), tid, 0).num(0).build());
    }

    private void close(long tid, long fd) {
        events.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", next(500), tid, 0).num(fd).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", next(700), tid, 0).num(0).build());
    }

    private void exit(long tid) {
        events.add(ScapEvent.builder("PPME_PROCEXIT_1_E", next(5000), tid, 0).num(0).num(0).num(0).num(0).build());
    }

    /** Writes the capture to the path given (for trying chisels by hand). */
    public static void main(String[] args) throws Exception {
        write(Path.of(args[0]));
    }
}
