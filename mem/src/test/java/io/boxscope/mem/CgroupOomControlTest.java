package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import io.boxscope.mem.cgroup.CgroupMemory;
import io.boxscope.mem.cgroup.ContainerMemoryReport;
import io.boxscope.mem.cgroup.OomControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cgroup v1's memory.oom_control: the captures in fixtures/cgroup-v1-oom (a container whose child
 * the OOM killer killed) and fixtures/cgroup-v1-oom-disabled (a container started with
 * --oom-kill-disable, stuck at its limit), and hand-made variants in fixtures/hostile/oom_control.
 */
class CgroupOomControlTest {

    /** The file's "key value" lines read by the test itself (split on the space), the oracle for the parser. */
    static Map<String, Long> plain(String relative) {
        Map<String, Long> m = new HashMap<>();
        for (String line : Fixtures.utf8(relative).split("\n")) {
            String[] f = line.split(" ");
            m.put(f[0], Long.parseLong(f[1]));
        }
        return m;
    }

    @Test
    void capturedAfterAnOomKill() {
        String text = Fixtures.utf8("cgroup-v1-oom/memory.oom_control");
        Map<String, Long> raw = plain("cgroup-v1-oom/memory.oom_control");
        // Oracle: the capture (see its README): the OOM killer killed one process, it is enabled, no OOM now.
        assertEquals(Map.of("oom_kill_disable", 0L, "under_oom", 0L, "oom_kill", 1L), raw);
        OomControl o = OomControl.parse(text);
        assertEquals(new OomControl(false, false, OptionalLong.of(raw.get("oom_kill"))), o);
    }

    @Test
    void capturedWithTheOomKillerDisabled() {
        Map<String, Long> raw = plain("cgroup-v1-oom-disabled/memory.oom_control");
        assertEquals(Map.of("oom_kill_disable", 1L, "under_oom", 1L, "oom_kill", 0L), raw);
        assertEquals(new OomControl(true, true, OptionalLong.of(0)), OomControl.parse(Fixtures.utf8("cgroup-v1-oom-disabled/memory.oom_control")));
    }

    @Test
    void hostileVariants() {
        assertEquals(new OomControl(false, false, OptionalLong.empty()), OomControl.parse(Fixtures.utf8("hostile/oom_control/pre-4.13")),
                "before 4.13 there is no oom_kill line: unknown, not 0");
        assertEquals(new OomControl(false, false, OptionalLong.of(3)), OomControl.parse(Fixtures.utf8("hostile/oom_control/future-keys")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OomControl.parse(Fixtures.utf8("hostile/oom_control/no-under_oom")));
        assertTrue(e.getMessage().contains("under_oom"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OomControl.parse(Fixtures.utf8("hostile/oom_control/negative")));
        assertThrows(IllegalArgumentException.class, () -> OomControl.parse(""));
    }

    @Test
    void v1OomKillIsInEventsUnderV2sName() throws Exception {
        CgroupMemory cg = CgroupMemory.readV1(Fixtures.dir().resolve("cgroup-v1-oom"));
        // Oracle: the captured memory.oom_control and memory.failcnt, read here.
        long kills = plain("cgroup-v1-oom/memory.oom_control").get("oom_kill");
        assertEquals(Map.of("oom_kill", kills), cg.events(), "v2's key, so scripts read one key on both");
        assertEquals(kills, cg.oomKills().orElseThrow());
        assertEquals(Long.parseLong(Fixtures.utf8("cgroup-v1-oom/memory.failcnt").strip()), cg.failcnt().orElseThrow());
        assertFalse(cg.underOom());
        assertEquals(List.of(), cg.problems());
        ContainerMemoryReport rep = ContainerMemoryReport.of(cg, CgroupMemoryTest.oneProcess(40, 1400));
        assertEquals(1, rep.oomAlerts().size(), rep.oomAlerts().toString());
        assertTrue(rep.oomAlerts().getFirst().startsWith("1 process of this container was killed by the OOM killer (memory.oom_control oom_kill 1)"),
                rep.oomAlerts().getFirst());
    }

    @Test
    void v1UnderOomWithTheKillerDisabled() throws Exception {
        CgroupMemory cg = CgroupMemory.readV1(Fixtures.dir().resolve("cgroup-v1-oom-disabled"));
        assertTrue(cg.underOom());
        assertTrue(cg.oomControl().orElseThrow().killDisabled());
        assertEquals(Map.of("oom_kill", 0L), cg.events());
        // Oracle: usage and limit files of the capture, read here: the cgroup sits at its limit.
        assertEquals(Long.parseLong(Fixtures.utf8("cgroup-v1-oom-disabled/memory.limit_in_bytes").strip()), cg.usage());
        ContainerMemoryReport rep = ContainerMemoryReport.of(cg, CgroupMemoryTest.oneProcess(32000, 33000));
        assertEquals(1, rep.oomAlerts().size(), "no kills to report, only the OOM state: " + rep.oomAlerts());
        assertTrue(rep.oomAlerts().getFirst().contains("under_oom 1") && rep.oomAlerts().getFirst().contains("oom_kill_disable is 1"),
                rep.oomAlerts().getFirst());
        assertTrue(rep.nearOom());
    }

    @Test
    void v1WithoutTheFileOrWithABrokenOne(@TempDir Path tmp) throws Exception {
        // The older capture has no memory.oom_control: nothing known, nothing invented.
        CgroupMemory none = CgroupMemory.readV1(Fixtures.dir().resolve("cgroup-v1-container"));
        assertTrue(none.oomControl().isEmpty());
        assertEquals(Map.of(), none.events());
        assertTrue(none.oomKills().isEmpty());
        assertEquals(List.of(), ContainerMemoryReport.of(none, CgroupMemoryTest.oneProcess(1, 1)).oomAlerts());
        // A file that is not memory.oom_control is a problem shown to the user, never an exception.
        try (var files = Files.list(Fixtures.dir().resolve("cgroup-v1-container"))) {
            for (Path f : files.toList()) {
                Files.copy(f, tmp.resolve(f.getFileName().toString()));
            }
        }
        Files.copy(Fixtures.dir().resolve("hostile/oom_control/no-under_oom"), tmp.resolve("memory.oom_control"));
        CgroupMemory broken = CgroupMemory.readV1(tmp);
        assertTrue(broken.oomControl().isEmpty());
        assertEquals(1, broken.problems().size(), broken.problems().toString());
        assertTrue(broken.problems().getFirst().contains("memory.oom_control") && broken.problems().getFirst().contains("under_oom"),
                broken.problems().getFirst());
        // Pre-4.13: the file is there, the count is not.
        Files.copy(Fixtures.dir().resolve("hostile/oom_control/pre-4.13"), tmp.resolve("memory.oom_control"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CgroupMemory old = CgroupMemory.readV1(tmp);
        assertTrue(old.oomControl().isPresent() && old.oomKills().isEmpty());
        assertEquals(Map.of(), old.events());
    }

    @Test
    void v2OomKillsAreTold() throws Exception {
        CgroupMemory cg = CgroupMemory.readV2(Fixtures.dir().resolve("hostile/cgroup-v2-synthetic"));
        ContainerMemoryReport rep = ContainerMemoryReport.of(cg, CgroupMemoryTest.oneProcess(1, 1));
        // Oracle: the synthetic memory.events says oom_kill 1.
        assertEquals(List.of("1 process of this container was killed by the OOM killer (memory.events oom_kill 1): "
                + "the container reached its memory limit and the kernel could not reclaim enough"), rep.oomAlerts());
        assertTrue(cg.oomControl().isEmpty());
    }
}
