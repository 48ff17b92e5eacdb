package io.boxscope.tools.softirqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.tools.core.PeerTool;
import io.boxscope.tools.hardirqs.IrqCounters;
import io.boxscope.tools.hist.Running;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * softirqs on the real kernel, against the kernel's own count: /proc/softirqs counts a vector right
 * before softirq_entry fires, so every event counted happened between a read before the tool started
 * and a read after it stopped (upper bound), and every event between a read after it attached and a
 * read before it stopped is counted, save at most one handler per CPU running when the probes were
 * detached, whose exit is missed (lower bound). The scheduler tick raises TIMER, RCU and SCHED
 * softirqs on a busy machine every few milliseconds: a second shows them all.
 */
@KernelTest
class SoftirqsKernelTest {
    static final int CPUS = Runtime.getRuntime().availableProcessors();

    static void checkAgainstProcSoftirqs(boolean distribution) throws Exception {
        Map<String, Long> p0 = IrqCounters.softirqs();
        Map<String, Long> pa;
        Map<String, Long> pb;
        List<Softirqs.Report> reports;
        long skipped;
        Softirqs.Options o = new Softirqs.Options(distribution, !distribution, false);
        try (Running<Softirqs.Report> r = Running.start(Softirqs.run(o, false))) {
            pa = IrqCounters.softirqs();
            // a busy second: the tick keeps firing (a sleeping CPU may stop its tick)
            long end = System.nanoTime() + 1_000_000_000L;
            long x = 0;
            while (System.nanoTime() < end) {
                x++;
            }
            assertTrue(x > 0);
            pb = IrqCounters.softirqs();
            reports = r.stop();
            skipped = r.skipped();
        }
        Map<String, Long> p1 = IrqCounters.softirqs();
        Map<String, Long> seen = new HashMap<>();
        for (Softirqs.Report rep : reports) {
            for (Softirqs.Vector v : rep.vectors()) {
                assertEquals(Softirqs.VECTORS.get(v.vector()), v.name());
                seen.merge(v.name(), distribution ? v.hist().total() : v.count(), Long::sum);
            }
        }
        List<String> names = new ArrayList<>();
        for (String k : p0.keySet()) {
            names.add(k.toLowerCase(Locale.ROOT));
        }
        assertEquals(names, Softirqs.VECTORS, "the vectors are /proc/softirqs' rows, in order");
        Map<String, Long> outer = IrqCounters.delta(p0, p1);
        Map<String, Long> inner = IrqCounters.delta(pa, pb);
        // Runs the kernel skipped (another BPF program was running on the CPU when the softirq came: other
        // processes here load BPF) are counted by the tool, not lost silently; each may miss one handler run.
        for (String k : outer.keySet()) {
            long n = seen.getOrDefault(k.toLowerCase(Locale.ROOT), 0L);
            assertTrue(n + skipped >= inner.get(k) - CPUS && n <= outer.get(k), k + ": softirqs saw " + n + " (the kernel skipped "
                    + skipped + " runs); /proc/softirqs counted " + inner.get(k) + " while it surely ran, " + outer.get(k)
                    + " while it may have run");
        }
        // Not vacuous: the tick's softirq ran in a busy second. Which others ran depends on the machine (a quiet
        // one may run no RCU softirq in that second); the loop above checks each against /proc/softirqs.
        assertTrue(seen.getOrDefault("timer", 0L) > 0, "timer ran in a busy second: " + seen);
    }

    @Test
    void countsAreTheKernelsSoftirqCounts() throws Exception {
        checkAgainstProcSoftirqs(false);
    }

    @Test
    void histogramsCountEachHandlerRun() throws Exception {
        checkAgainstProcSoftirqs(true);
    }

    /** Beside libbpf-tools' softirqs over the same second: the same header line, the same row layout. */
    @Test
    void textIsLibbpfTools() throws Exception {
        try (PeerTool peer = new PeerTool("Tracing soft irq", "/usr/sbin/softirqs");
                Running<Softirqs.Report> r = Running.start(Softirqs.run(new Softirqs.Options(false, false, false), false))) {
            Thread.sleep(1000);
            List<Softirqs.Report> reports = r.stop();
            List<String> theirs = peer.stop();
            List<String> ours = Softirqs.text(reports.getLast()).lines().toList();
            assertEquals("", ours.get(0));
            assertEquals(theirs.get(2), ours.get(1), "the header line is libbpf-tools'");
            for (List<String> rows : List.of(ours.subList(2, ours.size()), theirs.subList(3, theirs.size()))) {
                for (String line : rows) {
                    // "%-16s %11llu"
                    assertTrue(line.matches("[a-z_]{1,16} +\\d+") && line.length() == 28, line);
                    assertTrue(Softirqs.VECTORS.contains(line.substring(0, 16).trim()), line);
                }
            }
        }
    }
}
