package io.boxscope.cli.trace;

import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.FdInfo;
import io.boxscope.trace.scap.GroupInfo;
import io.boxscope.trace.scap.InterfaceInfo;
import io.boxscope.trace.scap.MachineInfo;
import io.boxscope.trace.scap.ParamValue;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapWriter;
import io.boxscope.trace.scap.ThreadInfo;
import io.boxscope.trace.scap.UserInfo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A capture written with trace's writer for the chisel and output tests: three processes (bash 100, cat 200,
 * nginx 300 with a second thread 301) open, read and write files, fail opens, talk TCP and UDP, with
 * byte counts, call counts and latencies chosen all different, so sysdig's top tables have one order (its
 * order of equal values comes from a Lua hash table). Values follow what the driver records on Linux.
 */
final class ChiselCapture {
    private static final byte[] LO = {127, 0, 0, 1};
    private static final byte[] WEB = {10, 0, 0, 2};
    private static final byte[] ME = {10, 0, 0, 1};

    private final List<ScapEvent> events = new ArrayList<>();
    private long ts = 1_700_000_000_000_000_000L;

    private ChiselCapture() {}

    static Path write(Path file) throws Exception {
        ChiselCapture c = new ChiselCapture();
        c.workload();
        return write(file, tables(), c.events);
    }

    /** Writes {@code events} after {@code tables} to {@code file} with trace's writer (the test captures' one way). */
    static Path write(Path file, CaptureTables tables, List<ScapEvent> events) throws Exception {
        try (ScapWriter w = ScapWriter.create(file, tables, false)) {
            for (ScapEvent e : events) {
                w.write(e);
            }
        }
        return file;
    }

    private static CaptureTables tables() {
        List<ThreadInfo> threads = List.of(
                ThreadInfo.of(1, 1, 0, "systemd", "/sbin/init", List.of(), "/", 0, 0),
                ThreadInfo.of(100, 100, 1, "bash", "/bin/bash", List.of(), "/root/", 0, 0),
                ThreadInfo.of(200, 200, 100, "cat", "/bin/cat", List.of("/etc/passwd"), "/root/", 0, 0),
                ThreadInfo.of(300, 300, 1, "nginx", "/usr/sbin/nginx", List.of(), "/", 33, 33),
                ThreadInfo.of(301, 300, 1, "nginx", "/usr/sbin/nginx", List.of(), "/", 33, 33));
        List<InterfaceInfo> ifs = List.of(new InterfaceInfo(1, "lo", LO, new byte[] {(byte) 255, 0, 0, 0}, LO, 0),
                new InterfaceInfo(1, "eth0", ME, new byte[] {(byte) 255, (byte) 255, (byte) 255, 0}, new byte[] {10, 0, 0, (byte) 255}, 0));
        return new CaptureTables(new MachineInfo(4, 8L << 30, 4194304, "chisel-test"), ifs,
                List.of(new UserInfo(0, 0, "root", "/root", "/bin/bash"), new UserInfo(33, 33, "www-data", "/var/www", "/usr/sbin/nologin")),
                List.of(new GroupInfo(0, "root"), new GroupInfo(33, "www-data")), threads,
                Map.of(100L, List.of(FdInfo.file(0, 3, "/dev/pts/0", 3, 0x88), FdInfo.file(1, 3, "/dev/pts/0", 3, 0x88),
                        FdInfo.file(2, 3, "/dev/pts/0", 3, 0x88))));
    }

    private void workload() {
        open(200, 3, "/etc/passwd", 0, 1200);
        for (int i = 0; i < 7; i++) {
            io("READ", 200, 3, 100 + i * 10, 300 + i);
        }
        open(200, 4, "/var/log/app.log", 0, 2500);
        for (int i = 0; i < 3; i++) {
            io("WRITE", 200, 4, 2000 + i * 1000, 40_000 + i);
        }
        close(200, 3);
        open(200, -2, "/missing", 0, 900);
        open(200, -13, "/etc/shadow", 0, 700);
        open(100, -2, "/missing", 0, 800);
        io("WRITE", 100, 1, 5, 1500);
        io("READ", 100, 0, -11, 2_000_000_000L);
        // buffers for -A/-x/-X: a leading newline, CR LF, a lone CR, control and high bytes, over 80 bytes
        ioData("WRITE", 100, 1, utf8("\nHTTP/1.1 200 OK\r\nServer: x\rA\u0001\u0007\t" + "0123456789".repeat(8) + "\u00e9 end\n"), 2100);
        ioData("WRITE", 100, 1, new byte[] {(byte) 0xff, 0, 1, 2, 3}, 2200);
        ioData("WRITE", 100, 2, utf8("bash: /missing: No such file or directory\n"), 2300);
        ioData("WRITE", 200, 2, utf8("cat: /etc/shadow: Permission denied"), 2400);
        // nginx: a TCP connection to 10.0.0.2:80, requests and responses; a UDP query to 127.0.0.1:53
        socket(300, 5, 2, 1);
        connect(300, 5, ME, 40001, WEB, 80);
        for (int i = 0; i < 4; i++) {
            io("WRITE", 300, 5, 300 + i, 12_000 + i);
            io("READ", 300, 5, 5000 + 1000 * i, 2_000_000 + i);
        }
        socket(301, 6, 2, 2);
        connect(301, 6, LO, 50000, LO, 53);
        io("WRITE", 301, 6, 40, 900);
        io("READ", 301, 6, 120, 15_000_000);
        open(300, 7, "/var/www/index.html", 0, 3000);
        io("READ", 300, 7, 1_500_000, 250_000);
        io("READ", 300, 7, -14, 100);
        close(300, 7);
    }

    private long next(long gap) {
        ts += gap;
        return ts;
    }

    private void open(long tid, long fd, String path, int flags, long latency) {
        events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", next(500), tid, (int) (tid % 4)).num(-100).str(path).num(flags).num(0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", next(latency), tid, (int) (tid % 4)).num(fd).num(-100).str(path)
                .num(flags).num(0).num(fd < 0 ? 0 : 0x803).build());
    }

    private void io(String kind, long tid, long fd, long res, long latency) {
        int cpu = (int) (tid % 4);
        events.add(ScapEvent.builder("PPME_SYSCALL_" + kind + "_E", next(500), tid, cpu).num(fd).num(Math.max(res, 1)).build());
        byte[] data = new byte[(int) Math.max(0, Math.min(res, 64))];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        events.add(ScapEvent.builder("PPME_SYSCALL_" + kind + "_X", next(latency), tid, cpu).num(res).bytes(data).build());
    }

    private void ioData(String kind, long tid, long fd, byte[] data, long latency) {
        int cpu = (int) (tid % 4);
        events.add(ScapEvent.builder("PPME_SYSCALL_" + kind + "_E", next(500), tid, cpu).num(fd).num(data.length).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_" + kind + "_X", next(latency), tid, cpu).num(data.length).bytes(data).build());
    }

    private void close(long tid, long fd) {
        events.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", next(500), tid, (int) (tid % 4)).num(fd).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", next(700), tid, (int) (tid % 4)).num(0).build());
    }

    private void socket(long tid, long fd, int family, int type) {
        events.add(ScapEvent.builder("PPME_SOCKET_SOCKET_E", next(500), tid, (int) (tid % 4)).num(family).num(type).num(0).build());
        events.add(ScapEvent.builder("PPME_SOCKET_SOCKET_X", next(600), tid, (int) (tid % 4)).num(fd).build());
    }

    private void connect(long tid, long fd, byte[] sip, int sport, byte[] dip, int dport) {
        events.add(ScapEvent.builder("PPME_SOCKET_CONNECT_E", next(500), tid, (int) (tid % 4)).num(fd)
                .bytes(ParamValue.SockAddr.ipv4(dip, dport).encode()).build());
        events.add(ScapEvent.builder("PPME_SOCKET_CONNECT_X", next(30_000), tid, (int) (tid % 4)).num(0)
                .bytes(ParamValue.SockTuple.ipv4(sip, sport, dip, dport).encode()).build());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
