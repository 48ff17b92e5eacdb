package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import io.boxscope.mem.cgroup.CgroupMemory;
import io.boxscope.mem.cgroup.ContainerMemoryReport;
import io.boxscope.mem.smaps.Rollup;
import io.boxscope.mem.smaps.SmapsFields;
import io.boxscope.mem.top.MemTop;
import io.boxscope.mem.top.ProcessMemory;
import org.junit.jupiter.api.Test;

class CgroupMemoryTest {
    static final long MIB = 1 << 20;

    static MemTop.Scan oneProcess(long anonKb, long pssKb) {
        SmapsFields f = SmapsFields.of(List.of("Rss", "Pss", "Pss_File", "Private_Clean", "Private_Dirty", "Anonymous", "Swap"),
                new long[] {pssKb + 500, pssKb, 400, 100, anonKb, anonKb, 0});
        return new MemTop.Scan(List.of(new ProcessMemory(7, 0, "sh", "sh -c x", Rollup.of(f, Rollup.Source.ROLLUP))), 0, 0, 0, 0);
    }

    @Test
    void capturedV1ContainerMatchesDockerStats() throws Exception {
        CgroupMemory cg = CgroupMemory.readV1(Fixtures.dir().resolve("cgroup-v1-container"));
        assertEquals(CgroupMemory.Version.V1, cg.version());
        assertEquals(128 * MIB, cg.limit().orElseThrow());
        assertEquals(cg.stat().get("total_rss"), cg.anon());
        assertEquals(8 * MIB, cg.stat("shmem"), "8 MiB written to /dev/shm");
        // docker-stats.txt is what `docker stats` printed for this container at capture time.
        String stats = Fixtures.utf8("cgroup-v1-container/docker-stats.txt").strip();
        double mib = Double.parseDouble(stats.substring(0, stats.indexOf("MiB")));
        assertEquals(mib, cg.dockerStatsUsage() / (double) MIB, 0.01);
        ContainerMemoryReport rep = ContainerMemoryReport.of(cg, oneProcess(cg.anon() / 1024, cg.anon() / 1024 + 400));
        String all = String.join("\n", rep.reasons());
        assertTrue(all.contains("shmem/tmpfs 8.0 MiB"), all);
        assertTrue(rep.reasons().get(1).contains("they agree"), rep.reasons().get(1));
        assertFalse(rep.nearOom());
    }

    @Test
    void unlimitedAndMissingInactiveFile() throws Exception {
        CgroupMemory cg = CgroupMemory.readV1(Fixtures.dir().resolve("hostile/cgroup-v1-unlimited"));
        assertTrue(cg.limit().isEmpty(), "9223372036854771712 means no limit");
        assertEquals(cg.usage(), cg.dockerStatsUsage(), "without total_inactive_file docker shows the usage");
        assertEquals(cg.usage(), cg.workingSet());
        ContainerMemoryReport rep = ContainerMemoryReport.of(cg, oneProcess(1, 1));
        assertEquals(0.0, rep.workingSetShare());
        assertTrue(rep.reasons().get(1).contains("no longer mapped"), rep.reasons().get(1));
    }

    @Test
    void v2NearTheLimitWarns() throws Exception {
        CgroupMemory cg = CgroupMemory.readV2(Fixtures.dir().resolve("hostile/cgroup-v2-synthetic"));
        assertEquals(CgroupMemory.Version.V2, cg.version());
        assertEquals(125 * MIB - 8 * MIB, cg.dockerStatsUsage(), "v2: memory.current - inactive_file");
        assertEquals(1, cg.oomKills().orElseThrow());
        assertEquals(3 * MIB, cg.kernelUsage().orElseThrow());
        ContainerMemoryReport rep = ContainerMemoryReport.of(cg, oneProcess(100 * 1024, 101 * 1024));
        assertTrue(rep.nearOom(), "working set 117 MiB of 128 MiB is 91%: share " + rep.workingSetShare());
        assertTrue(rep.reasons().get(0).contains("kernel 3.0 MiB") && rep.reasons().get(0).contains("sock 1.0 MiB"), rep.reasons().get(0));
    }
}
