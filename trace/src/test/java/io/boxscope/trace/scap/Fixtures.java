package io.boxscope.trace.scap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A representative capture: a shell (pid 4000) forks a child that execs cat, which opens, reads, writes and
 * closes a file, fails to open a missing one, and connects a TCP socket. Values mirror what the driver
 * records for these calls on Linux (PPM_O_* flags, PPM_AF_* families, AT_FDCWD = -100).
 */
final class Fixtures {
    static final long T0 = 1_700_000_000_123_456_789L;
    static final byte[] LOCALHOST = {127, 0, 0, 1};

    private Fixtures() {}

    static CaptureTables tables() {
        return tables(4000);
    }

    /**
     * The same tables with bash as thread {@code bashTid}. sysdig -r names an fd its file never described by reading
     * the reading machine's /proc/TID/fd/N (a live lookup): a test whose expectations come from sysdig and use such
     * an fd needs a tid no process here can have (above PID_MAX_LIMIT, 4194304 on 64-bit kernels; linux/threads.h).
     */
    static CaptureTables tables(long bashTid) {
        ThreadInfo bash = new ThreadInfo(bashTid, bashTid, 1, bashTid, bashTid, "bash", "/bin/bash", "/usr/bin/bash", List.of("-i"),
                "/root/", 1024, 0, 0, 0, 8000, 4000, 0, 1, 2, List.of("HOME=/root", "TERM=xterm"), 4000, 4000,
                List.of("cpu=/user.slice", "memory=/user.slice"), "/", 0, false);
        ThreadInfo init = ThreadInfo.of(1, 1, 0, "systemd", "/sbin/init", List.of(), "/", 0, 0);
        byte[] v6lo = new byte[16];
        v6lo[15] = 1;
        byte[] v6mask = new byte[16];
        java.util.Arrays.fill(v6mask, (byte) 0xff);
        List<InterfaceInfo> ifs = List.of(
                new InterfaceInfo(1, "lo", LOCALHOST, new byte[] {(byte) 255, 0, 0, 0}, LOCALHOST, 0),
                new InterfaceInfo(2, "lo", v6lo, v6mask, v6lo, 0));
        return new CaptureTables(new MachineInfo(2, 4L << 30, 4194304, "boxscope-test"), ifs,
                List.of(new UserInfo(0, 0, "root", "/root", "/bin/bash"), new UserInfo(65534, 65534, "nobody", "/nonexistent", "/usr/sbin/nologin")),
                List.of(new GroupInfo(0, "root"), new GroupInfo(65534, "nogroup")),
                List.of(init, bash),
                Map.of(bashTid, List.of(FdInfo.file(0, 3, "/dev/pts/0", 3, 0x88), FdInfo.file(1, 3, "/dev/pts/0", 3, 0x88),
                        FdInfo.file(2, 3, "/dev/pts/0", 3, 0x88), FdInfo.named(255, 0, FdType.DIRECTORY, "/root"))));
    }

    static byte[] nul(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            b.append(p).append('\0');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static List<ScapEvent> events() {
        List<ScapEvent> l = new ArrayList<>();
        long ts = T0;
        int c = 1;
        // bash forks 4242
        l.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_E", ts += 1000, 4000, c).build());
        l.add(clone(ts += 1000, 4000, 4242, c));
        l.add(clone(ts += 1000, 4242, 0, 0));
        l.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_E", ts += 1000, 4242, 0).str("/bin/cat").build());
        l.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_X", ts += 1000, 4242, 0).num(0).str("cat")
                .bytes(nul("/etc/passwd", "/nonexistent")).num(4242).num(4242).num(4000).str("/root/").num(1024)
                .num(0).num(12).num(2000).num(500).num(0).str("cat").bytes(nul("cpu=/user.slice", "memory=/user.slice"))
                .bytes(nul("HOME=/root", "TERM=xterm")).num(34816).num(4242).num(0).num(0).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, 4242, 0).num(-100).str("/etc/passwd")
                .num(1 | 4096).num(0).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 1000, 4242, 0).num(3).num(-100).str("/etc/passwd")
                .num(1 | 4096).num(0).num(0x803).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 4242, 0).num(3).num(4096).build());
        byte[] data = "root:x:0:0:root:/root:/bin/bash\n\u0001\tz".getBytes(StandardCharsets.UTF_8);
        l.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 4242, 0).num(data.length).bytes(data).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_WRITE_E", ts += 1000, 4242, 0).num(1).num(data.length).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_WRITE_X", ts += 1000, 4242, 0).num(data.length).bytes(data).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, 4242, 0).num(3).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, 4242, 0).num(0).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, 4242, 0).num(-100).str("/nonexistent")
                .num(1).num(0).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 1000, 4242, 0).num(-2).num(-100).str("/nonexistent")
                .num(1).num(0).num(0).build());
        l.add(ScapEvent.builder("PPME_SOCKET_SOCKET_E", ts += 1000, 4242, 0).num(2).num(1).num(0).build());
        l.add(ScapEvent.builder("PPME_SOCKET_SOCKET_X", ts += 1000, 4242, 0).num(3).build());
        l.add(ScapEvent.builder("PPME_SOCKET_CONNECT_E", ts += 1000, 4242, 0).num(3)
                .bytes(ParamValue.SockAddr.ipv4(LOCALHOST, 8080).encode()).build());
        l.add(ScapEvent.builder("PPME_SOCKET_CONNECT_X", ts += 1000, 4242, 0).num(0)
                .bytes(ParamValue.SockTuple.ipv4(LOCALHOST, 41000, LOCALHOST, 8080).encode()).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_WRITE_E", ts += 1000, 4242, 0).num(3).num(4).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_WRITE_X", ts += 1000, 4242, 0).num(4).bytes("GET ".getBytes(StandardCharsets.UTF_8)).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, 4242, 0).num(3).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, 4242, 0).num(0).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 4000, c).num(0).num(1).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 4000, c).num(-11).bytes(new byte[0]).build());
        // more parameter types: long buffers, unix and IPv6 sockets, fd lists, signals, times, uids, flags
        byte[] longBuf = new byte[300];
        for (int i = 0; i < longBuf.length; i++) {
            longBuf[i] = (byte) ('a' + i % 26);
        }
        l.add(ScapEvent.builder("PPME_SYSCALL_WRITE_E", ts += 1000, 4242, 0).num(1).num(300).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_WRITE_X", ts += 1000, 4242, 0).num(300).bytes(longBuf).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, 4242, 0).num(255).str("../etc/./hosts")
                .num(1).num(0).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 1000, 4242, 0).num(4).num(255).str("../etc/./hosts")
                .num(1).num(0).num(0x803).dumpFlags(1).build()); // state only: applied, not printed
        l.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 4242, 0).num(4).num(10).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 4242, 0).num(6)
                .bytes("éÿ~".getBytes(StandardCharsets.UTF_8)).build());
        l.add(ScapEvent.builder("PPME_SOCKET_SOCKET_E", ts += 1000, 4242, 0).num(1).num(1).num(0).build());
        l.add(ScapEvent.builder("PPME_SOCKET_SOCKET_X", ts += 1000, 4242, 0).num(5).build());
        l.add(ScapEvent.builder("PPME_SOCKET_CONNECT_E", ts += 1000, 4242, 0).num(5)
                .bytes(new ParamValue.SockAddr(1, new byte[0], 0, "/run/x.sock").encode()).build());
        l.add(ScapEvent.builder("PPME_SOCKET_CONNECT_X", ts += 1000, 4242, 0).num(0)
                .bytes(new ParamValue.SockTuple(1, new byte[0], 0, new byte[0], 0, 0xffff1234L, 0xabcdL, "/run/x.sock").encode()).build());
        byte[] v6 = new byte[16];
        v6[15] = 1;
        l.add(ScapEvent.builder("PPME_SOCKET_SOCKET_E", ts += 1000, 4242, 0).num(10).num(1).num(6).build());
        l.add(ScapEvent.builder("PPME_SOCKET_SOCKET_X", ts += 1000, 4242, 0).num(6).build());
        l.add(ScapEvent.builder("PPME_SOCKET_CONNECT_E", ts += 1000, 4242, 0).num(6)
                .bytes(new ParamValue.SockAddr(10, v6, 443, "").encode()).build());
        l.add(ScapEvent.builder("PPME_SOCKET_CONNECT_X", ts += 1000, 4242, 0).num(-111)
                .bytes(new ParamValue.SockTuple(10, v6, 5000, v6, 443, 0, 0, "").encode()).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_POLL_E", ts += 1000, 4242, 0).bytes(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
                5, 0, 0, 0, 0, 0, 0, 0, 4, 0}).num(1000).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_POLL_X", ts += 1000, 4242, 0).num(1).bytes(new byte[] {1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 4, 0}).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_KILL_E", ts += 1000, 4242, 0).num(4000).num(15).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_KILL_X", ts += 1000, 4242, 0).num(-1).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_NANOSLEEP_E", ts += 1000, 4242, 0).num(1_500_000_000L).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_NANOSLEEP_X", ts += 1000, 4242, 0).num(0).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_SETUID_E", ts += 1000, 4242, 0).num(65534).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_SETUID_X", ts += 1000, 4242, 0).num(0).build());
        l.add(ScapEvent.builder("PPME_GENERIC_E", ts += 1000, 4242, 0).num(3).num(0).build());
        l.add(ScapEvent.builder("PPME_GENERIC_X", ts += 1000, 4242, 0).num(3).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_MMAP_E", ts += 1000, 4242, 0).num(0).num(4096).num(3).num(34).num(-1).num(0).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_MMAP_X", ts += 1000, 4242, 0).num(0x7f0000001000L).num(2000).num(500).num(0).build());
        // fds other calls create: dup copies, eventfd, signalfd, timerfd, inotify
        l.add(ScapEvent.builder("PPME_SYSCALL_DUP_E", ts += 1000, 4242, 0).num(1).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_DUP_X", ts += 1000, 4242, 0).num(7).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_EVENTFD_E", ts += 1000, 4242, 0).num(0).num(0).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_EVENTFD_X", ts += 1000, 4242, 0).num(8).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_SIGNALFD_E", ts += 1000, 4242, 0).num(-1).num(2).num(0).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_SIGNALFD_X", ts += 1000, 4242, 0).num(9).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_TIMERFD_CREATE_E", ts += 1000, 4242, 0).num(1).num(0).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_TIMERFD_CREATE_X", ts += 1000, 4242, 0).num(10).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_INOTIFY_INIT_E", ts += 1000, 4242, 0).num(0).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_INOTIFY_INIT_X", ts += 1000, 4242, 0).num(11).build());
        for (int fd = 7; fd <= 11; fd++) {
            l.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 4242, 0).num(fd).num(8).build());
            l.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 4242, 0).num(-11).bytes(new byte[0]).build());
        }
        // a UDP socket learns its peer from sendto's tuple (source filled from the interface list), keeps it
        // through a connect to the same peer and a connect elsewhere, and a recvfrom from a third address
        byte[] any = {0, 0, 0, 0};
        byte[] other = {10, 0, 0, 1};
        l.add(ScapEvent.builder("PPME_SOCKET_SOCKET_E", ts += 1000, 4242, 0).num(2).num(2).num(0).build());
        l.add(ScapEvent.builder("PPME_SOCKET_SOCKET_X", ts += 1000, 4242, 0).num(12).build());
        l.add(ScapEvent.builder("PPME_SOCKET_SENDTO_E", ts += 1000, 4242, 0).num(12).num(4)
                .bytes(ParamValue.SockTuple.ipv4(any, 0, LOCALHOST, 53).encode()).build());
        l.add(ScapEvent.builder("PPME_SOCKET_SENDTO_X", ts += 1000, 4242, 0).num(4).bytes(new byte[] {1, 2, 3, 4}).build());
        l.add(ScapEvent.builder("PPME_SOCKET_CONNECT_E", ts += 1000, 4242, 0).num(12)
                .bytes(ParamValue.SockAddr.ipv4(LOCALHOST, 53).encode()).build());
        l.add(ScapEvent.builder("PPME_SOCKET_CONNECT_X", ts += 1000, 4242, 0).num(0)
                .bytes(ParamValue.SockTuple.ipv4(LOCALHOST, 40000, LOCALHOST, 53).encode()).build());
        l.add(ScapEvent.builder("PPME_SOCKET_CONNECT_E", ts += 1000, 4242, 0).num(12)
                .bytes(ParamValue.SockAddr.ipv4(other, 53).encode()).build());
        l.add(ScapEvent.builder("PPME_SOCKET_CONNECT_X", ts += 1000, 4242, 0).num(0)
                .bytes(ParamValue.SockTuple.ipv4(LOCALHOST, 40000, other, 53).encode()).build());
        l.add(ScapEvent.builder("PPME_SOCKET_RECVFROM_E", ts += 1000, 4242, 0).num(12).num(512).build());
        l.add(ScapEvent.builder("PPME_SOCKET_RECVFROM_X", ts += 1000, 4242, 0).num(2).bytes(new byte[] {5, 6})
                .bytes(ParamValue.SockTuple.ipv4(other, 53, LOCALHOST, 40001).encode()).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_WRITE_E", ts += 1000, 4242, 0).num(12).num(1).build());
        l.add(ScapEvent.builder("PPME_SYSCALL_WRITE_X", ts += 1000, 4242, 0).num(1).bytes(new byte[] {7}).build());
        l.add(ScapEvent.builder("PPME_PROCEXIT_1_E", ts += 1000, 4242, 0).num(0).num(0).num(0).num(0).build());
        return l;
    }

    private static ScapEvent clone(long ts, long tid, long res, int cpu) {
        return ScapEvent.builder("PPME_SYSCALL_CLONE_20_X", ts, tid, cpu).num(res).str("/bin/bash").bytes(nul("-i"))
                .num(tid).num(tid).num(res == 0 ? 4000 : 1).str("/root/").num(1024).num(0).num(5).num(8000).num(4000)
                .num(0).str("bash").bytes(nul("cpu=/user.slice", "memory=/user.slice")).num(0x800000 | 0x1000000).num(0).num(0)
                .num(tid).num(tid).build();
    }
}
