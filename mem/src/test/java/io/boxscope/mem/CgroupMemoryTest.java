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
        // Oracle: the container was started with -m 128m (capture-fixtures.sh).
        assertEquals(128 * MIB, cg.limit().orElseThrow());
        // Oracle: the captured files, read here with plain string search (not CgroupMemory's parser).
        String statText = Fixtures.utf8("cgroup-v1-container/memory.stat");
        long totalRss = statLine(statText, "total_rss");
        long usageFile = Long.parseLong(Fixtures.utf8("cgroup-v1-container/memory.usage_in_bytes").strip());
        assertEquals(usageFile, cg.usage());
        assertEquals(totalRss, cg.anon(), "v1 anonymous memory is total_rss, not the local rss");
        assertEquals(statLine(statText, "total_cache"), cg.pageCache());
        // Oracle: the capture wrote 8 MiB to /dev/shm.
        assertEquals(8 * MIB, cg.stat("shmem"), "8 MiB written to /dev/shm");
        // Oracle: docker-stats.txt is what `docker stats` printed for this container at capture
        // time (4 significant digits: 0.01 MiB here).
        String stats = Fixtures.utf8("cgroup-v1-container/docker-stats.txt").strip();
        double mib = Double.parseDouble(stats.substring(0, stats.indexOf("MiB")));
        assertEquals(mib, cg.dockerStatsUsage() / (double) MIB, 0.01);
        // Oracle: docker/cli's formula on the captured files.
        assertEquals(usageFile - statLine(statText, "total_inactive_file"), cg.dockerStatsUsage());
        ContainerMemoryReport rep = ContainerMemoryReport.of(cg, oneProcess(totalRss / 1024, totalRss / 1024 + 400));
        String all = String.join("\n", rep.reasons());
        assertTrue(all.contains("shmem/tmpfs 8.0 MiB"), all);
        assertTrue(rep.reasons().get(1).contains("they agree"), rep.reasons().get(1));
        assertFalse(rep.nearOom());
    }

    /** The value of the line "KEY VALUE" (plain string search: the test's own reading of the file). */
    static long statLine(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key + " ")) {
                return Long.parseLong(line.substring(key.length() + 1).strip());
            }
        }
        throw new AssertionError("no " + key);
    }

    @Test
    void unlimitedAndMissingInactiveFile() throws Exception {
        CgroupMemory cg = CgroupMemory.readV1(Fixtures.dir().resolve("hostile/cgroup-v1-unlimited"));
        // Oracle: the fixture's files (hand-edited: limit 9223372036854771712, no total_inactive_file).
        assertEquals(Long.parseLong(Fixtures.utf8("hostile/cgroup-v1-unlimited/memory.usage_in_bytes").strip()), cg.usage());
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
        // Oracle: the synthetic files hold these round figures (memory.current, memory.stat, memory.events):
        // memory.current 125 MiB, inactive_file 8 MiB, kernel 3 MiB, sock 1 MiB, oom_kill 1.
        assertEquals(125 * MIB - 8 * MIB, cg.dockerStatsUsage(), "v2: memory.current - inactive_file");
        assertEquals(1, cg.oomKills().orElseThrow());
        assertEquals(3 * MIB, cg.kernelUsage().orElseThrow());
        ContainerMemoryReport rep = ContainerMemoryReport.of(cg, oneProcess(100 * 1024, 101 * 1024));
        assertTrue(rep.nearOom(), "working set 117 MiB of 128 MiB is 91%: share " + rep.workingSetShare());
        assertTrue(rep.reasons().get(0).contains("kernel 3.0 MiB") && rep.reasons().get(0).contains("sock 1.0 MiB"), rep.reasons().get(0));
    }
}
