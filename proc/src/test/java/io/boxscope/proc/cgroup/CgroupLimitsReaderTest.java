package io.boxscope.proc.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.boxscope.proc.Fixtures;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupLimits.CgroupVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupLimitsReaderTest {
    /** Files copied from a Docker container started with --cpus=0.5 --memory=128m on a hybrid host. */
    @Test
    void hybridHostDockerContainerLimitsComeFromV1() {
        HostPaths paths = new HostPaths(Path.of("/nonexistent-proc"), Fixtures.path("sysfs-hybrid"));
        CgroupMembership m = CgroupMembership.parse(Fixtures.text("cgroup/docker-cgroupfs-hybrid.cgroup"));
        CgroupFs fs = new CgroupFs(paths);
        assertTrue(fs.unifiedDir(m).orElseThrow().endsWith("unified/docker/" + m.unifiedPath().orElseThrow().substring(8)));
        CgroupLimits l = new CgroupLimitsReader(fs).read(m);
        assertEquals(0.5, l.cpus().getAsDouble());
        assertEquals(CgroupVersion.V1, l.cpuFrom());
        assertEquals(100000, l.cpuPeriodUs());
        assertEquals(1024, l.cpuShares().getAsLong());
        assertEquals(134217728, l.memoryLimitBytes().getAsLong());
        assertEquals(CgroupVersion.V1, l.memoryFrom());
        assertTrue(l.memoryUsageBytes().getAsLong() > 0);
        assertTrue(l.pidsLimit().isEmpty());
        assertEquals("0-1", l.cpuset());
        assertEquals(2, l.throttling().periods());
        assertTrue(l.problems().isEmpty(), l.problems().toString());
    }


    /** Pure cgroup v2 layout (formats of Documentation/admin-guide/cgroup-v2.rst), built in a temp dir. */
    @Test
    void pureV2(@TempDir Path sys) throws IOException {
        Path root = sys.resolve("fs/cgroup");
        Path c = root.resolve("system.slice/docker-abc.scope");
        Files.createDirectories(c);
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Files.writeString(c.resolve("cpu.max"), "150000 100000\n");
        Files.writeString(c.resolve("cpu.weight"), "100\n");
        Files.writeString(c.resolve("cpu.stat"), "usage_usec 5\nnr_periods 10\nnr_throttled 3\nthrottled_usec 7\n");
        Files.writeString(c.resolve("cpuset.cpus.effective"), "0-1\n");
        Files.writeString(c.resolve("memory.max"), "max\n");
        Files.writeString(c.resolve("memory.current"), "4096\n");
        Files.writeString(c.resolve("pids.max"), "100\n");
        Files.writeString(c.resolve("pids.current"), "3\n");
        CgroupMembership m = CgroupMembership.parse("0::/system.slice/docker-abc.scope\n");
        CgroupLimits l = new CgroupLimitsReader(new CgroupFs(new HostPaths(sys, sys))).read(m);
        assertEquals(1.5, l.cpus().getAsDouble());
        assertEquals(CgroupVersion.V2, l.cpuFrom());
        assertEquals(100, l.cpuWeight().getAsLong());
        assertEquals(7000, l.throttling().throttledNanos());
        assertTrue(l.memoryLimitBytes().isEmpty());
        assertEquals(4096, l.memoryUsageBytes().getAsLong());
        assertEquals(100, l.pidsLimit().getAsLong());
        assertEquals(3, l.pidsCurrent().getAsLong());
    }

    /** A garbage file is reported in problems, not thrown. */
    @Test
    void garbageIsReportedNotThrown(@TempDir Path sys) throws IOException {
        Path root = sys.resolve("fs/cgroup");
        Path c = root.resolve("x");
        Files.createDirectories(c);
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory\n");
        Files.writeString(c.resolve("cpu.max"), "lots 100000\n");
        Files.writeString(c.resolve("memory.max"), "\u001b[31m\n");
        CgroupLimits l = new CgroupLimitsReader(new CgroupFs(new HostPaths(sys, sys)))
                .read(CgroupMembership.parse("0::/x\n"));
        assertTrue(l.cpus().isEmpty());
        assertEquals(2, l.problems().size(), l.problems().toString());
    }
}
