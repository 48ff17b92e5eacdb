package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
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
