package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.cgroup.CgroupMembership;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import io.boxscope.testkit.FailingOpener;
import io.boxscope.trace.chisel.Chisels;
import io.boxscope.trace.chisel.TableChisel;
import io.boxscope.trace.filter.ContainerResolver;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.ServiceNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * topcontainers_error counted in the kernel by cgroup id ({@link KernelChisel}, {@link CountProbe.By#CGROUP}):
 * a busybox container, told to start through a bind-mounted file, fails to open a missing path exactly
 * {@link #OPENS} times while a host process fails to open it too. Oracles: that number, in the row of the
 * container's name as docker names it, and no host row (sysdig's chisel leaves the host out).
 */
@DockerTest
class KernelChiselDockerTest {
    private static final int OPENS = 7;

    @Test
    void topcontainersErrorCountsTheContainersFailedCallsByItsName(@TempDir Path sync) throws Exception {
        try (FailingOpener container = FailingOpener.start("boxscope-test-kchisel-", OPENS, sync)) {
            // no filter: every failed exit of the host counted, the container's only failed calls with a res are
            // its opens (its shell's wait4 fails with ECHILD, a generic event without res: not failed on the stream)
            TableChisel c = (TableChisel) Chisels.create("topcontainers_error", List.of(), false);
            assertNull(KernelChisel.whyNot(c, null, 0, HostPaths.DEFAULT));
            assertTrue(KernelChisel.whyNot(c, null, 5).contains("-n"));
            PushDown.Split javaPart = PushDown.split(Filter.compile("proc.name=sh", ServiceNames.none()),
                    SyscallTable.current(), EventTable.sysdig(), ContainerResolver.NONE);
            assertTrue(KernelChisel.whyNot(c, javaPart, 0, HostPaths.DEFAULT).contains("only Java"));
            KernelChisel.Summary sum;
            try (KernelChisel k = KernelChisel.start(HostPaths.DEFAULT, c, io.boxscope.trace.filter.KernelFilter.ANY)) {
                Background counting = Background.start(stop -> k.run(now -> { }, null, stop));
                container.hostOpens(5);
                container.go();
                container.awaitDone(Duration.ofSeconds(30));
                counting.stop(Duration.ZERO);
                sum = k.summary();
            }
            Map<String, Long> rows = new HashMap<>();
            c.rows().forEach(e -> rows.put(String.join(",", e.getKey()), e.getValue()));
            assertEquals(OPENS, rows.get(container.name()), rows + " " + sum);
            assertFalse(rows.containsKey("host"), rows.toString());
            assertEquals(0, sum.lost(), sum.toString());
            assertTrue(sum.exits() >= OPENS + 5, "the host's failed opens are counted, then left out: " + sum);
            assertEquals(0, sum.enters(), "failed-only: no entries counted " + sum);
        }
    }

    /** usage_usec of a v2 cgroup's cpu.stat (Documentation/admin-guide/cgroup-v2.rst), in ns. */
    private static long usageNs(Path cgroup) throws Exception {
        for (String l : Files.readAllLines(cgroup.resolve("cpu.stat"))) {
            if (l.startsWith("usage_usec ")) {
                return Long.parseLong(l.substring(11).strip()) * 1000;
            }
        }
        throw new AssertionError("no usage_usec in " + cgroup.resolve("cpu.stat"));
    }

    /**
     * topcontainers_file, topcontainers_net and topcontainers_cpu counted in the kernel at once, no filter: a busybox
     * container (a static binary: no loader reads files) busy-waits with shell builtins for a file, then its
     * builtin printf writes exactly 777 bytes to a file, busybox nc sends exactly 555 bytes to a TCP port of the
     * test, and it spins until killed. Oracles: those byte counts in the container's row, no host row for bytes
     * (the chisels leave it out), a host row for CPU (topcontainers_cpu keeps it), and the container's CPU time
     * within its cgroup's cpu.stat usage over a window around the count.
     */
    @Test
    void topcontainersFileNetAndCpuCountTheContainersBytesAndTime(@TempDir Path sync) throws Exception {
        String name = "boxscope-test-kchiselio-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String script = "while [ ! -e /sync/go ]; do :; done; printf '%0777d' 0 > /sync/written; "
                    + "printf '%0555d' 0 | nc 127.0.0.1 " + server.getLocalPort() + "; : > /sync/done; while :; do :; done";
            server.setSoTimeout(60_000);
            try (Docker.Container container = Docker.start(name, List.of("--network", "host", "-v", sync + ":/sync"), "sh", "-c",
                    script)) {
                CgroupFs fs = new CgroupFs(HostPaths.DEFAULT);
                Path cgroup = fs.unifiedDir(CgroupMembership.parse(Files.readString(Path.of("/proc/" + container.pid() + "/cgroup"))))
                        .orElseThrow();
                TableChisel files = (TableChisel) Chisels.create("topcontainers_file", List.of(), false);
                TableChisel net = (TableChisel) Chisels.create("topcontainers_net", List.of(), false);
                TableChisel cpu = (TableChisel) Chisels.create("topcontainers_cpu", List.of(), false);
                for (TableChisel c : List.of(files, net, cpu)) {
                    assertNull(KernelChisel.whyNot(c, null, 0, HostPaths.DEFAULT), c.info().name());
                }
                AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
                Throwable[] failure = {null};
                long before = usageNs(cgroup);
                long attached;
                long after;
                try (KernelChisel kf = KernelChisel.start(HostPaths.DEFAULT, files, io.boxscope.trace.filter.KernelFilter.ANY);
                     KernelChisel kn = KernelChisel.start(HostPaths.DEFAULT, net, io.boxscope.trace.filter.KernelFilter.ANY);
                     KernelChisel kc = KernelChisel.start(HostPaths.DEFAULT, cpu, io.boxscope.trace.filter.KernelFilter.ANY)) {
                    attached = usageNs(cgroup);
                    List<Thread> threads = new java.util.ArrayList<>();
                    for (KernelChisel k : List.of(kf, kn, kc)) {
                        threads.add(new Thread(() -> {
                            try {
                                k.run(now -> { }, null, () -> System.nanoTime() > stopAt.get());
                            } catch (Throwable x) {
                                failure[0] = x;
                            }
                        }));
                    }
                    threads.forEach(Thread::start);
                    Files.createFile(sync.resolve("go")); // not docker exec: runc's init would make calls in the container
                    try (java.net.Socket peer = server.accept()) {
                        assertEquals(555, peer.getInputStream().readNBytes(555).length);
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!Files.exists(sync.resolve("done")) && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertTrue(Files.exists(sync.resolve("done")), "the container did not finish its I/O");
                    Thread.sleep(1000); // a second of spinning
                    stopAt.set(System.nanoTime());
                    for (Thread t : threads) {
                        t.join(60_000);
                    }
                    after = usageNs(cgroup);
                    if (failure[0] != null) {
                        fail(failure[0]);
                    }
                    Map<String, Long> f = new HashMap<>();
                    files.rows().forEach(e -> f.put(String.join(",", e.getKey()), e.getValue()));
                    Map<String, Long> n = new HashMap<>();
                    net.rows().forEach(e -> n.put(String.join(",", e.getKey()), e.getValue()));
                    Map<String, Long> c = new HashMap<>();
                    cpu.rows().forEach(e -> c.put(String.join(",", e.getKey()), e.getValue()));
                    assertEquals(777, Files.size(sync.resolve("written")));
                    assertEquals(777L, f.get(name), f + " " + kf.summary());
                    assertEquals(555L, n.get(name), n + " " + kn.summary());
                    assertFalse(f.containsKey("host") || n.containsKey("host"), f + " " + n);
                    assertTrue(c.containsKey("host"), "topcontainers_cpu keeps the host: " + c);
                    long ns = c.getOrDefault(name, 0L);
                    String why = "kernel " + ns + " ns; cgroup usage outer " + (after - before) + " inner " + (after - attached) + " " + c;
                    assertTrue(after - attached >= 100_000_000L, "the container hardly ran: " + why);
                    assertTrue(ns <= after - before + 2 * CpuProbe.TICK_NS, "more CPU than the container used: " + why);
                    assertTrue(ns >= (after - attached) * 8 / 10 - 2 * CpuProbe.TICK_NS, "less CPU than the container used: " + why);
                }
            }
        }
    }

    /** The cgroup id → name step on its own: the container's cgroup, this JVM's (the host), one that is not there. */
    @Test
    void cgroupIdsAreNamedAsTheStreamNamesTheirThreads(@TempDir Path sync) throws Exception {
        String name = "boxscope-test-kchiselname-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        try (Docker.Container container = Docker.start(name, List.of(), "sleep", "300")) {
            CgroupFs fs = new CgroupFs(HostPaths.DEFAULT);
            Path root = fs.unifiedRoot().orElseThrow();
            CgroupContainers names = new CgroupContainers(HostPaths.DEFAULT, root);
            assertEquals(name, names.name(idOf(fs, container.pid())));
            assertEquals("host", names.name(idOf(fs, (int) ProcessHandle.current().pid())));
            assertNull(names.name(Long.MAX_VALUE));
        }
    }

    private static long idOf(CgroupFs fs, int pid) throws Exception {
        CgroupMembership m = CgroupMembership.parse(Files.readString(Path.of("/proc/" + pid + "/cgroup")));
        return CgroupFs.cgroupId(fs.unifiedDir(m).orElseThrow());
    }
}
