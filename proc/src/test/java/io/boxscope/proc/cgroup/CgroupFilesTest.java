package io.boxscope.proc.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.proc.ProcParseException;
import org.junit.jupiter.api.Test;

class CgroupFilesTest {
    @Test
    void cpuMaxV2() {
        assertTrue(CgroupFiles.cpuMax("max 100000\n").isEmpty());
        assertEquals(0.5, CgroupFiles.cpuMax("50000 100000\n").getAsDouble());
        assertEquals(2.0, CgroupFiles.cpuMax("200000 100000").getAsDouble());
        assertEquals(100000, CgroupFiles.cpuMaxPeriod("max 100000"));
    }

    @Test
    void cfsQuotaV1() {
        assertTrue(CgroupFiles.cfsQuota("-1\n", "100000\n").isEmpty());
        assertEquals(0.5, CgroupFiles.cfsQuota("50000\n", "100000\n").getAsDouble());
    }

    @Test
    void limits() {
        assertTrue(CgroupFiles.limit("memory.max", "max\n").isEmpty());
        assertTrue(CgroupFiles.limit("memory.limit_in_bytes", "9223372036854771712\n").isEmpty());
        assertEquals(134217728, CgroupFiles.limit("memory.limit_in_bytes", "134217728\n").getAsLong());
        assertThrows(ProcParseException.class, () -> CgroupFiles.limit("pids.max", "lots"));
    }

    @Test
    void cpuStatBothVersions() {
        var v1 = CgroupFiles.cpuStat("nr_periods 40\nnr_throttled 10\nthrottled_time 2500000000\nnr_bursts 0\nburst_time 0\n");
        assertEquals(40, v1.periods());
        assertEquals(10, v1.throttledPeriods());
        assertEquals(2_500_000_000L, v1.throttledNanos());
        assertEquals(0.25, v1.throttledShare());
        var v2 = CgroupFiles.cpuStat("usage_usec 100\nuser_usec 50\nsystem_usec 50\nnr_periods 8\nnr_throttled 4\nthrottled_usec 1500\n");
        assertEquals(1_500_000, v2.throttledNanos());
        assertEquals(0.5, v2.throttledShare());
        assertEquals(0, CgroupFiles.cpuStat("").periods());
    }
}
