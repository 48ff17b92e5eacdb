package io.boxscope.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class SystemCpuTest {

    /** The head of this project's test host's /proc/stat (2 CPUs). */
    @Test
    void parsesTheCpuLineOfARealProcStat() throws IOException {
        SystemCpu s = SystemCpu.parse(Files.readString(Fixtures.path("stat/proc-stat-2cpu")));
        // cpu  1475868 440 264565 539101 3530 0 1970 414 0 0
        assertEquals(1475868 + 440 + 264565 + 1970 + 414, s.busyTicks());
        assertEquals(s.busyTicks() + 539101 + 3530, s.totalTicks());
        assertEquals(2, s.cpus());
    }

    @Test
    void busyCpusIsARatioOfTicks() {
        SystemCpu a = new SystemCpu(1000, 5000, 4);
        SystemCpu b = new SystemCpu(1300, 5400, 4); // 300 of 400 ticks busy on 4 CPUs
        assertEquals(3.0, b.busyCpusSince(a), 1e-9);
        assertEquals(0.0, a.busyCpusSince(a));
    }

    @Test
    void theRunningKernelsProcStat() throws IOException {
        SystemCpu s = SystemCpu.read(HostPaths.DEFAULT);
        assertEquals(Runtime.getRuntime().availableProcessors() <= s.cpus(), true, "CPUs: " + s.cpus());
        assertTrue(s.busyTicks() > 0 && s.totalTicks() >= s.busyTicks());
    }

    @Test
    void cpuLists() {
        BitSet b = SystemCpu.cpuList("0-3,8,10-11\n");
        assertEquals("{0, 1, 2, 3, 8, 10, 11}", b.toString());
        assertTrue(SystemCpu.cpuList("").isEmpty());
        assertThrows(ProcParseException.class, () -> SystemCpu.cpuList("3-1"));
        assertThrows(ProcParseException.class, () -> SystemCpu.cpuList("a"));
        assertThrows(ProcParseException.class, () -> SystemCpu.parse("intr 1 2 3\n"));
        assertThrows(ProcParseException.class, () -> SystemCpu.parse("cpu  1 2 x 4 5\n"));
    }
}
