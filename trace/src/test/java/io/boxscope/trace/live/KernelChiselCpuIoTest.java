package io.boxscope.trace.live;

import static io.boxscope.trace.live.ChiselFixtures.chisel;
import static io.boxscope.trace.live.ChiselFixtures.rows;
import static io.boxscope.trace.live.ChiselFixtures.split;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.KernelTest;
import io.boxscope.trace.chisel.Chisels;
import io.boxscope.trace.chisel.TableChisel;
import io.boxscope.trace.filter.PushDown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * topprocs_cpu ({@link CpuProbe}) and topprocs_file / topprocs_net ({@link IoProbe}) counted in the kernel, on
 * children of the test. Oracles: a busy loop's own utime + stime in /proc/PID/stat (proc(5), in clock ticks of
 * {@code getconf CLK_TCK}) over a window around the count, a sleeping child's ~0; a perl child that writes exactly
 * {@link #FILE_BYTES} bytes to a file and {@link #NET_BYTES} bytes over a loopback TCP connection.
 */
@KernelTest
class KernelChiselCpuIoTest {
    private static final int FILE_BYTES = 777;
    private static final int NET_BYTES = 555;

    @TempDir
    Path dir;

    /** utime + stime of {@code pid} in clock ticks: fields 14 and 15 of /proc/PID/stat, after the comm's ')'. */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 3.. after the comm: utime is 14, stime 15
    }

    private static long clockTicksPerSecond() throws Exception {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return Long.parseLong(s);
    }

    @Test
    void aBusyLoopsCpuTimeMatchesItsProcStatAndASleeperHasNone() throws Exception {
        long hz = clockTicksPerSecond();
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Thread.sleep(100); // both past exec: their comm is sh and sleep
            PushDown.Split s = split("proc.pid in (" + busy.pid() + ", " + sleeper.pid() + ")");
            TableChisel c = chisel("topprocs_cpu");
            assertNull(KernelChisel.whyNot(c, s, 0, HostPaths.DEFAULT));
            long before = cpuTicks(busy.pid());
            long attached;
            long after;
            KernelChisel.Summary sum;
            try (KernelChisel k = KernelChisel.start(HostPaths.DEFAULT, c, s.kernel())) {
                attached = cpuTicks(busy.pid());
                k.run(now -> { }, Duration.ofMillis(1500), () -> false);
                after = cpuTicks(busy.pid());
                sum = k.summary();
            }
            Map<String, Long> r = rows(c);
            long ns = r.getOrDefault("sh," + busy.pid(), 0L);
            long tickNs = 1_000_000_000L / hz;
            long outer = (after - before) * tickNs;  // contains the counted window
            long inner = (after - attached) * tickNs; // starts after the count did
            String why = "kernel " + ns + " ns; /proc stat outer " + outer + " ns, inner " + inner + " ns; " + r + " " + sum;
            assertTrue(inner >= 100_000_000L, "the busy loop hardly ran: " + why);
            assertTrue(ns <= outer + 2 * tickNs + CpuProbe.TICK_NS, "more CPU than the process used: " + why);
            assertTrue(ns >= inner * 8 / 10 - 2 * tickNs - CpuProbe.TICK_NS, "less CPU than the process used: " + why);
            assertTrue(r.getOrDefault("sleep," + sleeper.pid(), 0L) < 5_000_000L, "a sleeping child used CPU: " + why);
            assertEquals(sum.total(), r.values().stream().mapToLong(Long::longValue).sum(), why);
            assertEquals(0, sum.lost(), why);
            // the table as sysdig prints it: CPU% of the capture's time, sh with its pid
            StringBuilder text = new StringBuilder();
            c.end(l -> text.append(l).append('\n'), false, System.currentTimeMillis() * 1_000_000L);
            assertTrue(text.toString().startsWith("CPU%                Process             PID"), text.toString());
            assertTrue(text.toString().lines().anyMatch(l -> l.matches("\\d+\\.\\d\\d% +sh +" + busy.pid())), text.toString());
        } finally {
            busy.destroyForcibly();
            sleeper.destroyForcibly();
        }
    }

    @Test
    void fileAndNetworkBytesOfAChildAreCountedExactly() throws Exception {
        Path file = dir.resolve("written");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String script = "my $go = <STDIN>; open(my $f, '>', '" + file + "') or die; syswrite($f, 'y' x " + FILE_BYTES
                    + ") == " + FILE_BYTES + " or die; close($f); socket(my $s, 2, 1, 6) or die \"socket: $!\"; "
                    + "connect($s, pack('S n a4 x8', 2, " + server.getLocalPort() + ", \"\\x7f\\x00\\x00\\x01\")) or die \"connect: $!\"; "
                    + "syswrite($s, 'z' x " + NET_BYTES + ") == " + NET_BYTES + " or die; close($s); exit 0;";
            Process child = new ProcessBuilder("perl", "-e", script).start();
            try {
                PushDown.Split s = split("proc.pid=" + child.pid());
                TableChisel files = chisel("topprocs_file");
                TableChisel net = chisel("topprocs_net");
                assertNull(KernelChisel.whyNot(files, s, 0, HostPaths.DEFAULT));
                assertNull(KernelChisel.whyNot(net, s, 0, HostPaths.DEFAULT));
                AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
                Throwable[] failure = {null};
                try (KernelChisel kf = KernelChisel.start(HostPaths.DEFAULT, files, s.kernel());
                     KernelChisel kn = KernelChisel.start(HostPaths.DEFAULT, net, s.kernel())) {
                    List<Thread> threads = List.of(kf, kn).stream().map(k -> new Thread(() -> {
                        try {
                            k.run(now -> { }, null, () -> System.nanoTime() > stopAt.get());
                        } catch (Throwable x) {
                            failure[0] = x;
                        }
                    })).toList();
                    threads.forEach(Thread::start);
                    try (OutputStream in = child.getOutputStream()) {
                        in.write("go\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    long received = 0;
                    try (Socket peer = server.accept(); InputStream pin = peer.getInputStream()) {
                        while (pin.read() >= 0) {
                            received++;
                        }
                    }
                    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the perl child did not finish");
                    assertEquals(0, child.exitValue(), new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                    assertEquals(NET_BYTES, received);
                    stopAt.set(System.nanoTime() + Duration.ofMillis(200).toNanos());
                    for (Thread t : threads) {
                        t.join(60_000);
                    }
                    if (failure[0] != null) {
                        fail(failure[0]);
                    }
                    assertEquals(FILE_BYTES, Files.size(file));
                    assertEquals(Map.of("perl," + child.pid(), (long) FILE_BYTES), rows(files), kf.summary().toString());
                    assertEquals(Map.of("perl," + child.pid(), (long) NET_BYTES), rows(net), kn.summary().toString());
                    assertEquals(FILE_BYTES, kf.summary().total());
                }
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void whyNotSaysWhenTheCpuAndIoTablesStayOnTheStream() {
        assertTrue(KernelChisel.whyNot(chisel("topprocs_cpu"), split("evt.type=read"), 0).contains("procinfo"));
        assertNull(KernelChisel.whyNot(chisel("topprocs_cpu"), split("proc.pid=1"), 0));
        assertNull(KernelChisel.whyNot(chisel("topcontainers_cpu"), null, 0));
        assertNull(KernelChisel.whyNot(chisel("topcontainers_file"), null, 0));
        assertNull(KernelChisel.whyNot(chisel("topcontainers_net"), split("proc.pid=1"), 0));
        assertTrue(KernelChisel.whyNot(Chisels.create("topprocs_cpu", List.of(), true), null, 0).contains("container.name"));
        assertTrue(KernelChisel.whyNot(chisel("topconns"), null, 0).contains("fd.name"));
    }
}
