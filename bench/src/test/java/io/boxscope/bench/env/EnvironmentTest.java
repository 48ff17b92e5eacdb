package io.boxscope.bench.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupLimits.CpuThrottling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentTest {
    @TempDir
    Path root;

    static String fixture(String name) throws IOException {
        try (InputStream in = EnvironmentTest.class.getResourceAsStream("/cgroup/v1-blkio/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void v1BlkioThrottlesCapturedFromADockerContainer() throws IOException {
        // docker run --device-read-bps /dev/vda:1mb --device-write-iops /dev/vda:100 on this machine
        int[] skipped = {0};
        List<IoLimit> l = IoLimit.parseV1(fixture("blkio.throttle.read_bps_device"), fixture("blkio.throttle.write_bps_device"),
                fixture("blkio.throttle.read_iops_device"), fixture("blkio.throttle.write_iops_device"), skipped);
        assertEquals(List.of(new IoLimit("254:0", 1048576, -1, -1, 100)), l);
        assertEquals(0, skipped[0]);
        assertEquals("254:0 read 1.0 MiB/s, write 100 IOPS", l.get(0).describe());
    }

    @Test
    void v2IoMaxAndHostileLines() {
        int[] skipped = {0};
        List<IoLimit> l = IoLimit.parseIoMax("8:16 rbps=2097152 wbps=max riops=max wiops=120\n"
                + "junk\n8:0 rbps=abc\n8:32 rbps\n\u001b[2J 1:1 rbps=1\n8:48 rbps=max wbps=max riops=max wiops=max newkey=5\n", skipped);
        assertEquals(List.of(new IoLimit("8:16", 2097152, -1, -1, 120), new IoLimit("8:48", -1, -1, -1, -1)), l);
        assertEquals(4, skipped[0]);
        int[] s2 = {0};
        assertEquals(List.of(), IoLimit.parseV1("x y\n8:0\n", "", "8:0 notanumber", "", s2));
        assertEquals(3, s2[0]);
    }

    @Test
    void limitsAndThrottlingFromACgroupTree() throws IOException {
        // a hybrid host's layout, as on this machine: v1 hierarchies plus v2 at unified/
        String id = "/docker/abc";
        Files.createDirectories(root.resolve("proc/self"));
        Files.writeString(root.resolve("proc/self/cgroup"), "7:blkio:" + id + "\n1:cpu:" + id + "\n4:memory:" + id + "\n0::" + id + "\n");
        Files.writeString(root.resolve("proc/cpuinfo"), "processor\t: 0\nmodel name\t: AMD EPYC\nprocessor\t: 1\nmodel name\t: AMD EPYC\n");
        Files.createDirectories(root.resolve("proc/sys/kernel"));
        Files.writeString(root.resolve("proc/sys/kernel/osrelease"), "6.18.0\n");
        Path cg = root.resolve("sys/fs/cgroup");
        Path cpu = Files.createDirectories(cg.resolve("cpu/docker/abc"));
        Files.writeString(cpu.resolve("cpu.cfs_quota_us"), "50000\n");
        Files.writeString(cpu.resolve("cpu.cfs_period_us"), "100000\n");
        Files.writeString(cpu.resolve("cpu.stat"), "nr_periods 20\nnr_throttled 18\nthrottled_time 700000000\n");
        Path mem = Files.createDirectories(cg.resolve("memory/docker/abc"));
        Files.writeString(mem.resolve("memory.limit_in_bytes"), "268435456\n");
        Path blk = Files.createDirectories(cg.resolve("blkio/docker/abc"));
        for (String f : new String[] {"read_bps_device", "write_bps_device", "read_iops_device", "write_iops_device"}) {
            Files.writeString(blk.resolve("blkio.throttle." + f), fixture("blkio.throttle." + f));
        }
        Path unified = Files.createDirectories(cg.resolve("unified/docker/abc"));
        Files.writeString(cg.resolve("unified/cgroup.procs"), "");
        Files.writeString(unified.resolve("cgroup.procs"), "");
        HostPaths paths = new HostPaths(root.resolve("proc"), root.resolve("sys"));
        Environment e = Environment.capture(paths);
        assertEquals("AMD EPYC", e.cpuModel());
        assertEquals(2, e.onlineCpus());
        assertEquals("6.18.0", e.kernel());
        assertEquals(0.5, e.cpuQuota().getAsDouble(), 1e-9);
        assertEquals(268435456L, e.memoryLimit().getAsLong());
        assertEquals(1, e.ioLimits().size());
        assertTrue(e.problems().isEmpty(), e.problems().toString());
        CpuThrottling before = Environment.throttling(paths);
        Files.writeString(cpu.resolve("cpu.stat"), "nr_periods 40\nnr_throttled 30\nthrottled_time 1900000000\n");
        CpuThrottling d = Environment.delta(before, Environment.throttling(paths));
        assertEquals(new CpuThrottling(20, 12, 1_200_000_000L), d);
        assertEquals(0.6, d.throttledShare(), 1e-9);
    }

    @Test
    void thisMachine() {
        Environment e = Environment.capture(HostPaths.DEFAULT);
        assertFalse(e.cpuModel().isEmpty());
        assertTrue(e.onlineCpus() >= 1);
        assertFalse(e.kernel().equals("unknown"));
    }
}
