package io.boxscope.tools.hardirqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.boxscope.tools.core.PeerTool;
import io.boxscope.tools.hist.Running;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * hardirqs on the real kernel. Which interrupts fire is the machine's business, so the figures are
 * checked against the kernel's own count of the same events: /proc/interrupts read around the run.
 * Every event hardirqs counts happened between a read before the tool started and a read after it
 * stopped, and every event between a read after it attached and a read before it was stopped ran both
 * programs and is in the figures or counted as missing from them ({@link Hardirqs.Report#unattributed},
 * {@link Hardirqs.Report#unmatched}): no tolerance (see the comments in {@link #checkAgainstProcInterrupts}).
 * Direct writes make the disk interrupt, so at least one handler's figures are not zero.
 */
@KernelTest
class HardirqsKernelTest {

    /** Direct (uncached) writes: each completes with an interrupt of the disk's queue. */
    static Thread directWrites(Path file) {
        return Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < 5; i++) {
                    new ProcessBuilder("dd", "if=/dev/zero", "of=" + file, "bs=64k", "count=8", "oflag=direct,sync", "status=none")
                            .start().waitFor();
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Events per handler name over a run of {@code mode} (COUNT: counts; DISTRIBUTION: histogram totals), with the kernel's counts around it. */
    static void checkAgainstProcInterrupts(Hardirqs.Mode mode) throws Exception {
        Path file = Files.createTempFile(Path.of("/var/tmp"), "boxscope-hardirqs", ".dat");
        try {
            Set<String> shared = new HashSet<>();
            Map<String, Long> p0 = IrqCounters.interrupts(shared);
            Map<String, Long> pa;
            Map<String, Long> pb;
            List<Hardirqs.Report> reports;
            long skipped;
            Object failedUpdates;
            try (Running<Hardirqs.Report> r = Running.start(Hardirqs.run(new Hardirqs.Options(mode, false), false))) {
                pa = IrqCounters.interrupts(shared);
                Thread writes = directWrites(file);
                Thread.sleep(1000);
                writes.join();
                pb = IrqCounters.interrupts(shared);
                reports = r.stop();
                skipped = r.skipped();
                failedUpdates = r.failedUpdates();
            }
            Map<String, Long> p1 = IrqCounters.interrupts(shared);
            Map<String, Long> seen = new HashMap<>();
            long entries = 0;
            long exits = 0;
            long unmatched = 0;
            long unattributed = 0;
            for (Hardirqs.Report rep : reports) {
                assertEquals(mode, rep.mode());
                for (Hardirqs.Irq i : rep.irqs()) {
                    seen.merge(i.name(), mode == Hardirqs.Mode.COUNT ? i.value() : i.hist().total(), Long::sum);
                }
                entries += rep.entries();
                exits += rep.exits();
                unmatched += rep.unmatched();
                unattributed += rep.unattributed();
            }
            Map<String, Long> outer = IrqCounters.delta(p0, p1);
            Map<String, Long> inner = IrqCounters.delta(pa, pb);
            long innerAll = inner.values().stream().mapToLong(Long::longValue).sum();
            long seenAll = seen.values().stream().mapToLong(Long::longValue).sum();
            String counters = " (entries " + entries + ", exits " + exits + ", unmatched " + unmatched + ", unattributed "
                    + unattributed + ", skipped " + skipped + ", failed updates " + failedUpdates + ")";
            // The kernel counts a run in kstat_irqs right before its handlers run (kernel/irq/chip.c
            // handle_edge_irq, handle_fasteoi_irq: kstat_incr_irqs_this_cpu, then handle_irq_event), and every
            // handler run fires irq_handler_entry and irq_handler_exit (kernel/irq/handle.c
            // __handle_irq_event_percpu); an edge interrupt arriving while its handler runs is counted by no one
            // and replayed by the running loop, so tracepoint runs are at least the kernel's count. Both programs
            // were attached before pa and are detached after pb, so every run the kernel counted in between fired
            // both programs (each row's handlers: 1 run per event; shared rows are left out below, and the count
            // sums all rows, each handler of a shared row firing once per event).
            assertTrue(entries >= innerAll, "the entry program ran " + entries + " times; /proc/interrupts counted " + innerAll
                    + " events while it surely ran" + counters);
            // An exit the programs saw is timed (in a figure), unmatched (no start: began before pa) or unattributed.
            // Exits of runs the kernel counted in the window all come before the detach (a handler runs with
            // interrupts off, microseconds; the stop is after pb), so the exits are at least the kernel's count.
            assertTrue(exits >= innerAll, "the exit program ran " + exits + " times; /proc/interrupts counted " + innerAll + counters);
            // Every run the programs saw is in the figures or counted as missing from them: nothing lost unseen.
            assertEquals(mode == Hardirqs.Mode.COUNT ? entries : exits - unmatched, seenAll + unattributed,
                    "runs seen = runs in the figures + runs counted as missing from them" + counters);
            List<String> compared = new ArrayList<>();
            for (Map.Entry<String, Long> e : outer.entrySet()) {
                String name = e.getKey();
                if (shared.contains(name) || name.length() > 31) {
                    continue; // one event runs several handlers; or the name is cut to 31 characters
                }
                long n = seen.getOrDefault(name, 0L);
                long in = inner.getOrDefault(name, 0L);
                // Per handler: what the figures miss is at most what was counted as missing (unattributed, and
                // in -d the unmatched exits: a handler already running when the entry program attached, at most
                // one per CPU, and before pa anyway); nothing is counted that the kernel did not count.
                assertTrue(n + unattributed + unmatched >= in && n <= e.getValue(), name + ": hardirqs saw " + n
                        + " events; /proc/interrupts counted " + in + " while it surely ran, " + e.getValue()
                        + " while it may have run" + counters);
                if (n > 0) {
                    compared.add(name + "=" + n);
                }
            }
            assertTrue(!compared.isEmpty(), "direct writes made at least one interrupt: " + seen + " vs " + outer);
            for (String name : seen.keySet()) {
                assertTrue(outer.containsKey(name) || name.length() == 31, name + " is a handler /proc/interrupts lists: " + outer.keySet());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void countsAreTheKernelsInterruptCounts() throws Exception {
        checkAgainstProcInterrupts(Hardirqs.Mode.COUNT);
    }

    @Test
    void histogramsCountEachHandlerRun() throws Exception {
        checkAgainstProcInterrupts(Hardirqs.Mode.DISTRIBUTION);
    }

    /** Total time: the handlers named are /proc/interrupts' and the text is libbpf-tools hardirqs' (run beside it). */
    @Test
    void totalTimeLooksLikeLibbpfTools() throws Exception {
        Path file = Files.createTempFile(Path.of("/var/tmp"), "boxscope-hardirqs", ".dat");
        try (PeerTool peer = new PeerTool("Tracing hard irq", "/usr/sbin/hardirqs");
                Running<Hardirqs.Report> r = Running.start(Hardirqs.run(new Hardirqs.Options(Hardirqs.Mode.TIME, false), false))) {
            Thread writes = directWrites(file);
            Thread.sleep(1000);
            writes.join();
            List<Hardirqs.Report> reports = r.stop();
            List<String> theirs = peer.stop();
            Hardirqs.Report last = reports.getLast();
            String text = Hardirqs.text(last);
            List<String> ours = text.lines().toList();
            assertEquals("", ours.get(0));
            // libbpf-tools: "Tracing ...", "", the header, then rows
            assertEquals(theirs.get(2), ours.get(1), "the header line is libbpf-tools'");
            assertTrue(last.irqs().stream().mapToLong(Hardirqs.Irq::value).sum() > 0, text);
            // rows are "%-26s %11llu": the count right-aligned in the 11 columns ending at column 38
            for (String line : ours.subList(2, ours.size())) {
                assertTrue(line.length() >= 38 && line.substring(line.length() - 11).trim().matches("\\d+"), line);
            }
            for (String line : theirs.subList(3, theirs.size())) {
                assertTrue(line.length() >= 38 && line.substring(line.length() - 11).trim().matches("\\d+"), "libbpf-tools: " + line);
            }
            Set<String> shared = new HashSet<>();
            Set<String> names = IrqCounters.interrupts(shared).keySet();
            for (Hardirqs.Irq i : last.irqs()) {
                assertTrue(names.contains(i.name()) || i.name().length() == 31, i.name() + " in " + names);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
