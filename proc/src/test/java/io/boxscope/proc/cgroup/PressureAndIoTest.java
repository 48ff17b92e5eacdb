package io.boxscope.proc.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import io.boxscope.proc.Fixtures;
import io.boxscope.proc.ProcParseException;
import io.boxscope.proc.TaskSchedStat;
import org.junit.jupiter.api.Test;

/** PSI, block I/O, cgroup CPU time and schedstat parsers, on captured files and hostile text. */
class PressureAndIoTest {
    private static String fx(String name) {
        return Fixtures.text("io/boxscope/proc/pressure/" + name);
    }

    @Test
    void systemCpuPressureHasSomeAndAZeroFullLine() {
        Pressure p = Pressure.parse("cpu", fx("system-cpu.txt"));
        assertEquals(99.56, p.some().avg10());
        assertEquals(96.02, p.some().avg300());
        assertEquals(1127124950L, p.some().totalUs());
        assertEquals(0L, p.full().totalUs());
    }

    @Test
    void throttledContainerCpuPressure() {
        Pressure p = Pressure.parse("cpu.pressure", fx("cgroup-cpu-throttled.txt"));
        assertEquals(1658625L, p.some().totalUs());
        assertEquals(1646391L, p.full().totalUs());
        assertEquals(13.58, p.full().avg10());
    }

    @Test
    void pressureWithoutFullLineIsAccepted() {
        Pressure p = Pressure.parse("cpu", "some avg10=1.00 avg60=2.00 avg300=3.00 total=42\n");
        assertEquals(42L, p.some().totalUs());
        assertEquals(Pressure.Line.ZERO, p.full());
    }

    @Test
    void hostilePressureTextIsOneParseError() {
        for (String bad : new String[] {"", "full avg10=0 avg60=0 avg300=0 total=1", "some avg10=x avg60=0 avg300=0 total=1",
                "some avg10=0 avg60=0 avg300=0", "bogus avg10=0 avg60=0 avg300=0 total=1", "some total", "\u0000"}) {
            assertThrows(ProcParseException.class, () -> Pressure.parse("cpu.pressure", bad), bad);
        }
    }

    @Test
    void ioStatV2SumsDevices() {
        CgroupIo io = CgroupIo.parseV2(fx("io-stat-v2-doc.txt"));
        assertEquals(1459200L + 90430464L, io.readBytes());
        assertEquals(314773504L + 299008000L, io.writeBytes());
        assertEquals(192L + 8950L, io.readOps());
        assertEquals(353L + 1252L, io.writeOps());
    }

    @Test
    void blkioV1SumsReadAndWriteLinesOnly() {
        CgroupIo io = CgroupIo.parseV1(fx("blkio-bytes-v1-doc.txt"), fx("blkio-ops-v1-doc.txt"));
        assertEquals(new CgroupIo(4096 + 512, 1048576, 2, 256), io);
        CgroupIo idle = CgroupIo.parseV1(fx("blkio-bytes-v1-idle.txt"), fx("blkio-bytes-v1-idle.txt"));
        assertEquals(CgroupIo.ZERO, idle);
        assertThrows(ProcParseException.class, () -> CgroupIo.parseV1("8:0 Frobnicate 1\n", ""));
        assertThrows(ProcParseException.class, () -> CgroupIo.parseV2("8:0 rbytes=lots\n"));
        assertEquals(new CgroupIo(10, 0, 0, 0), new CgroupIo(30, 5, 1, 1).minus(new CgroupIo(20, 5, 1, 1)));
    }

    @Test
    void cgroupCpuTime() {
        assertEquals(OptionalLong.of(498553000L), CpuUsage.fromV2CpuStat("usage_usec 498553\nuser_usec 484509\nsystem_usec 14044\n"));
        assertTrue(CpuUsage.fromV2CpuStat("nr_periods 0\n").isEmpty());
        assertEquals(123456789L, CpuUsage.fromCpuacctUsage("123456789\n"));
        assertThrows(ProcParseException.class, () -> CpuUsage.fromCpuacctUsage("-"));
    }

    @Test
    void schedstat() {
        TaskSchedStat s = TaskSchedStat.parse(fx("schedstat.txt"));
        assertEquals(new TaskSchedStat(492691706L, 1662058993L, 329L), s);
        assertThrows(ProcParseException.class, () -> TaskSchedStat.parse("1 2"));
        assertThrows(ProcParseException.class, () -> TaskSchedStat.parse("a b c"));
    }
}
