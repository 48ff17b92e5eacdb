package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.top.MemTop;
import io.boxscope.mem.top.ProcessMemory;
import io.boxscope.proc.HostPaths;
import org.junit.jupiter.api.Test;

/** mem top's figures against smem's for the same sleeping child processes. */
class MemTopLiveTest {
    /** smem -c "pid swap uss pss rss": pid → {swap, uss, pss, rss} in kB. */
    static Map<Long, long[]> smem() throws Exception {
        Process p = new ProcessBuilder("smem", "-H", "-c", "pid swap uss pss rss").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Map<Long, long[]> m = new HashMap<>();
        for (String line : out.lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 5) {
                m.put(Long.parseLong(f[0]), new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])});
            }
        }
        return m;
    }

    @Test
    void agreesWithSmemOnStableChildren() throws Exception {
        try (LiveProcesses live = new LiveProcesses()) {
            long busybox = live.busybox();
            long python = live.python(0);
            Map<Long, long[]> theirs = smem();
            MemTop.Scan scan = MemTop.scan(new ProcMemReader(HostPaths.DEFAULT), List.of((int) busybox, (int) python), 2);
            assertEquals(2, scan.processes().size());
            for (ProcessMemory m : scan.processes()) {
                long[] s = theirs.get((long) m.pid());
                assertTrue(s != null, "smem lists " + m.pid());
                String what = m.command() + ": smem swap/uss/pss/rss " + List.of(s[0], s[1], s[2], s[3]) + " ours "
                        + List.of(m.swap(), m.uss(), m.pss(), m.rss());
                assertEquals(s[0], m.swap(), what);
                assertEquals(s[3], m.rss(), what);
                if (m.pid() == busybox) {
                    // Static busybox shares nothing with smem's python or this JVM: exact, up to
                    // smem's per-mapping truncation of Pss (at most 1 kB per mapping).
                    assertEquals(s[1], m.uss(), what);
                    assertTrue(Math.abs(s[2] - m.pss()) <= 20, what);
                } else {
                    // smem (python) maps libc too while it reads: pages private to the child can turn
                    // shared for that moment, and every shared page's PSS share shrinks.
                    assertTrue(Math.abs(s[1] - m.uss()) <= Math.max(256, m.uss() / 50), what);
                    assertTrue(Math.abs(s[2] - m.pss()) <= Math.max(512, m.pss() / 20), what);
                }
            }
        }
    }

    @Test
    void processThatExitsIsCountedNotThrown() throws Exception {
        Process p = new ProcessBuilder("/bin/busybox", "sleep", "30").start();
        int pid = (int) p.pid();
        p.destroyForcibly();
        p.waitFor();
        MemTop.Scan scan = MemTop.scan(new ProcMemReader(HostPaths.DEFAULT), List.of(pid, (int) ProcessHandle.current().pid()), 2);
        assertEquals(1, scan.exited());
        assertEquals(1, scan.processes().size());
    }

    @Test
    void kernelThreadsAreLeftOut() throws Exception {
        MemTop.Scan scan = MemTop.scan(new ProcMemReader(HostPaths.DEFAULT), List.of(LiveProcesses.kernelThread()), 1);
        assertEquals(0, scan.processes().size());
        assertEquals(1, scan.kernelThreads());
    }
}
