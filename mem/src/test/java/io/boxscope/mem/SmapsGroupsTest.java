package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import io.boxscope.mem.smaps.Mapping;
import io.boxscope.mem.smaps.MappingKind;
import io.boxscope.mem.smaps.Rollup;
import io.boxscope.mem.smaps.SmapsGroups;
import org.junit.jupiter.api.Test;

class SmapsGroupsTest {
    @Test
    void pythonGroupsByKind() {
        List<Mapping> ms = SmapsParserTest.smaps("python");
        List<SmapsGroups.Group> groups = SmapsGroups.group(ms, SmapsGroups.Sort.RSS);
        Set<MappingKind> kinds = groups.stream().map(SmapsGroups.Group::kind).collect(Collectors.toSet());
        assertEquals(Set.of(MappingKind.values()), kinds, "this process has every kind");
        assertEquals(ms.size(), groups.stream().mapToInt(g -> g.mappings().size()).sum());
        long[] t = SmapsGroups.totals(groups);
        Rollup sum = Rollup.sum(ms);
        assertEquals(sum.rss(), t[SmapsGroups.FIELDS.indexOf("Rss")]);
        assertEquals(sum.get("AnonHugePages"), t[SmapsGroups.FIELDS.indexOf("AnonHugePages")]);
        for (int i = 1; i < groups.size(); i++) {
            assertTrue(groups.get(i - 1).total("Rss") >= groups.get(i).total("Rss"), "sorted by RSS");
        }
        SmapsGroups.Group shm = groups.stream().filter(g -> g.kind() == MappingKind.SHARED_MEMORY).findFirst().orElseThrow();
        assertTrue(shm.name().startsWith("/SYSV"), shm.name());
        assertTrue(groups.stream().anyMatch(g -> g.kind() == MappingKind.FILE && g.name().endsWith("my file été.bin (deleted)")));
        assertTrue(groups.stream().anyMatch(g -> g.kind() == MappingKind.LIBRARY && g.name().endsWith("/libc.so.6")));
        SmapsGroups.Group kernel = groups.stream().filter(g -> g.kind() == MappingKind.KERNEL).findFirst().orElseThrow();
        assertTrue(kernel.mappings().stream().anyMatch(m -> m.name().equals("[vsyscall]")));
    }

    @Test
    void jvmSortedByPss() {
        List<SmapsGroups.Group> groups = SmapsGroups.group(SmapsParserTest.smaps("jvm"), SmapsGroups.Sort.PSS);
        assertTrue(groups.getFirst().total("Pss") >= groups.getLast().total("Pss"));
        assertTrue(groups.stream().anyMatch(g -> g.name().endsWith("libjvm.so") && g.kind() == MappingKind.LIBRARY));
    }
}
