package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.mem.smaps.Mapping;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.smaps.ProcStatus;
import io.boxscope.mem.smaps.Rollup;
import io.boxscope.mem.smaps.SmapsParser;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.NoSuchProcessException;
import io.boxscope.proc.ProcParseException;
import org.junit.jupiter.api.Test;

class SmapsParserTest {
    static List<Mapping> smaps(String name) {
        return SmapsParser.parse(Fixtures.raw("proc/" + Fixtures.pid(name) + "/smaps"), name);
    }

    @Test
    void pythonOddMappings() {
        List<Mapping> ms = smaps("python");
        List<Mapping> maps = SmapsParser.parse(Fixtures.raw("proc/" + Fixtures.pid("python") + "/maps"), "maps");
        assertEquals(maps.size(), ms.size(), "smaps and maps list the same mappings");
        Mapping deleted = ms.stream().filter(m -> m.displayName().contains("my file été.bin")).findFirst().orElseThrow();
        assertTrue(deleted.deleted());
        assertTrue(deleted.shared());
        assertTrue(deleted.displayName().endsWith("/my file été.bin (deleted)"));
        Mapping ctl = ms.stream().filter(m -> m.name().contains("ctl")).findFirst().orElseThrow();
        assertTrue(ctl.name().endsWith("ctl\tname\u001bx\\012nl"), "kernel escapes only the newline: " + ctl.name());
        Mapping vsys = ms.getLast();
        assertEquals("[vsyscall]", vsys.name());
        assertEquals(0xffffffffff600000L, vsys.start());
        assertEquals("ffffffffff600000", vsys.startHex());
        Mapping shm = ms.stream().filter(m -> m.name().startsWith("/SYSV")).findFirst().orElseThrow();
        assertEquals(0, shm.deviceMajor());
        assertEquals(65536, shm.sizeBytes());
        long thp = ms.stream().mapToLong(m -> m.kb("AnonHugePages")).sum();
        assertTrue(thp >= 2048, "MADV_HUGEPAGE region should have a huge page: " + thp);
        for (Mapping m : ms) {
            assertEquals(m.sizeBytes() >> 10, m.kb("Size"), m.startHex());
            assertFalse(m.vmFlags().isEmpty(), m.startHex());
        }
        assertSame(ms.get(0).fields().names().getClass(), ms.get(1).fields().names().getClass());
    }

    @Test
    void rollupEqualsSumOfSmapsExceptPssRounding() throws IOException {
        for (String name : List.of("python", "jvm", "busybox")) {
            ProcMemReader r = new ProcMemReader(Fixtures.paths());
            int pid = Fixtures.pid(name);
            Rollup rollup = r.rollup(pid).orElseThrow();
            Rollup summed = Rollup.sum(r.smaps(pid));
            assertEquals(Rollup.Source.ROLLUP, rollup.source());
            assertEquals(Rollup.Source.SUMMED_SMAPS, summed.source());
            // Captured one after the other from a sleeping process: page counts agree exactly.
            for (String f : List.of("Rss", "Shared_Clean", "Private_Clean", "Private_Dirty", "Swap", "Anonymous", "AnonHugePages")) {
                assertEquals(rollup.get(f), summed.get(f), name + " " + f);
            }
            long mappings = r.smaps(pid).size();
            assertTrue(Math.abs(rollup.pss() - summed.pss()) <= mappings, name + " Pss rounding is at most 1 kB per mapping");
            assertEquals(rollup.get("Private_Clean") + rollup.get("Private_Dirty"), rollup.uss());
        }
    }

    @Test
    void tenThousandMappingsShareOneFieldSchema() {
        int pid = Fixtures.pid("tenk");
        List<Mapping> ms = SmapsParser.parse(Fixtures.raw("proc/" + pid + "/smaps.gz"), "smaps");
        assertTrue(ms.size() > 10_000, "mappings: " + ms.size());
        Rollup rollup = SmapsParser.parse(Fixtures.raw("proc/" + pid + "/smaps_rollup"), "rollup").isEmpty() ? null
                : Rollup.of(SmapsParser.parse(Fixtures.raw("proc/" + pid + "/smaps_rollup"), "r").getFirst().fields(), Rollup.Source.ROLLUP);
        assertEquals(rollup.rss(), Rollup.sum(ms).rss());
        assertTrue(ms.get(5000).fields().sameNames(ms.get(9000).fields()));
    }

    @Test
    void oldKernelWithoutPssDirtyOrRollupFallsBackToSummingSmaps() throws IOException {
        HostPaths old = new HostPaths(Fixtures.dir().resolve("old-kernel/proc"), Path.of("/nonexistent"));
        ProcMemReader r = new ProcMemReader(old);
        int pid = Fixtures.pid("python");
        assertTrue(r.rollup(pid).isEmpty(), "no smaps_rollup file on this 'kernel'");
        Rollup sum = r.rollupOrSum(pid);
        assertEquals(Rollup.Source.SUMMED_SMAPS, sum.source());
        assertFalse(sum.has("Pss_Dirty"));
        Rollup modern = new ProcMemReader(Fixtures.paths()).rollup(pid).orElseThrow();
        assertEquals(modern.rss(), sum.rss());
        assertEquals(modern.uss(), sum.uss());
    }

    @Test
    void statusFields() {
        ProcStatus s = ProcStatus.parse(Fixtures.utf8("proc/" + Fixtures.pid("jvm") + "/status"));
        assertEquals("java", s.name());
        assertEquals(Fixtures.pid("jvm"), s.tgid());
        assertEquals(0, s.uid());
        assertTrue(s.get("VmSize").orElseThrow() > s.get("VmRSS").orElseThrow());
        assertTrue(s.get("VmSwap").isPresent());
    }

    @Test
    void hostileInputs() {
        // Truncated mid-entry (process exited while we read): whatever was complete is kept.
        List<Mapping> t = SmapsParser.parse(Fixtures.raw("hostile/truncated.smaps"), "t");
        assertFalse(t.isEmpty());
        assertThrows(ProcParseException.class, () -> SmapsParser.parse(Fixtures.raw("hostile/nokey.smaps"), "n"));
        assertThrows(ProcParseException.class, () -> SmapsParser.parse(Fixtures.raw("hostile/badrange.smaps"), "b"));
        List<Mapping> odd = SmapsParser.parse(Fixtures.raw("hostile/odd-fields.smaps"), "o");
        assertEquals(2, odd.size());
        assertEquals("[anon:my name]", odd.get(0).name());
        assertEquals(99999999999999L, odd.get(0).kb("Rss"));
        assertEquals(12, odd.get(0).kb("FutureField"), "unknown fields are kept, whatever their unit");
        assertEquals("", odd.get(1).name());
        assertEquals(1, odd.get(1).kb("ExtraOnlyHere"));
        assertFalse(odd.get(0).fields().sameNames(odd.get(1).fields()));
        assertTrue(SmapsParser.parse("", "empty").isEmpty(), "kernel threads have empty smaps");
    }

    @Test
    void missingProcessIsNoSuchProcess() {
        ProcMemReader r = new ProcMemReader(Fixtures.paths());
        assertThrows(NoSuchProcessException.class, () -> r.smaps(999_999_999));
        assertThrows(NoSuchProcessException.class, () -> r.status(999_999_999));
    }
}
