package io.boxscope.tools.hardirqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.Interrupts;
import io.boxscope.tools.core.PeerTool;
import io.boxscope.tools.hist.Running;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * hardirqs on the real kernel. Which interrupts fire is the machine's business, so the figures are
 * checked against the kernel's own count of the same events: /proc/interrupts read around the run.
 * Every event hardirqs counts happened between a read before the tool started and a read after it
 * stopped, and every event between a read after it attached and a read before it was stopped is in the
 * figures or reported as unseen by the tool ({@link Hardirqs.KernelCheck}): bounds that hold by the
 * windows' construction, no tolerance (see the comments in {@link #checkAgainstProcInterrupts}).
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

    /** /proc/interrupts now (the parser the tool uses). */
    static Interrupts interrupts() throws Exception {
        return Interrupts.read(HostPaths.DEFAULT);
    }

    /** {@code after - before} of a handler's single-handler count; null when it is not one in both reads. */
    static Long delta(Interrupts before, Interrupts after, String name) {
        Long b = before.singleHandlers().get(name);
        Long a = after.singleHandlers().get(name);
        return a == null || b == null ? null : a - b;
    }

    /** Events per handler name over a run of {@code mode} (COUNT: counts; DISTRIBUTION: histogram totals), with the kernel's counts around it. */
    static void checkAgainstProcInterrupts(Hardirqs.Mode mode) throws Exception {
        Path file = Files.createTempFile(Path.of("/var/tmp"), "boxscope-hardirqs", ".dat");
        try {
            Interrupts p0 = interrupts();
            Interrupts pa;
            Interrupts pb;
            List<Hardirqs.Report> reports;
            long skipped;
            Object failedUpdates;
            try (Running<Hardirqs.Report> r = Running.start(Hardirqs.run(new Hardirqs.Options(mode, false), false, HostPaths.DEFAULT))) {
                // Running.start returns from the tool's Listener.started, which IntervalRun calls after the tool's
                // first /proc/interrupts read (Window.opened): pa is after it
                pa = interrupts();
                Thread writes = directWrites(file);
                Thread.sleep(1000);
                writes.join();
                pb = interrupts(); // before the stop, so before the tool's last read (Window.closing, before detaching)
                reports = r.stop();
                skipped = r.skipped();
                failedUpdates = r.failedUpdates();
            }
            Interrupts p1 = interrupts();
            Map<String, Long> seen = new HashMap<>();
            Map<String, Long> unseen = new HashMap<>();
            long entries = 0;
            long exits = 0;
            long unmatched = 0;
            long unattributed = 0;
            long seenAll = 0;
            for (Hardirqs.Report rep : reports) {
                assertEquals(mode, rep.mode());
                for (Hardirqs.Irq i : rep.irqs()) {
                    long n = mode == Hardirqs.Mode.COUNT ? i.value() : i.hist().total();
                    seen.merge(i.name(), n, Long::sum);
                    seenAll += n;
                }
                entries += rep.entries();
                exits += rep.exits();
                unmatched += rep.unmatched();
                unattributed += rep.unattributed();
                Hardirqs.KernelCheck.Checked c = assertInstanceOf(Hardirqs.KernelCheck.Checked.class, rep.kernel(),
                        "the tool read /proc/interrupts");
                for (Hardirqs.Unseen u : c.unseen()) {
                    assertTrue(u.runs() > 0, u.toString());
                    unseen.merge(u.name(), u.runs(), Long::sum);
                }
            }
            String counters = " (entries " + entries + ", exits " + exits + ", unmatched " + unmatched + ", unattributed "
                    + unattributed + ", unseen " + unseen + ", skipped " + skipped + ", failed updates " + failedUpdates + ")";
            // Every run the programs saw is in the figures or counted as missing from them: nothing lost unseen.
            assertEquals(mode == Hardirqs.Mode.COUNT ? entries : exits - unmatched, seenAll + unattributed,
                    "runs seen = runs in the figures + runs counted as missing from them" + counters);
            // The windows, per handler: [p0, p1] encloses the whole run (attach to detach); the tool's own window
            // [its first read after attaching, its last read before detaching] encloses [pa, pb] and lies in
            // [p0, p1]. The kernel counts a run before the handler runs (docs/tools.md, hardirqs), so:
            // seen <= outer (nothing counted the kernel did not count); the tool's unseen is its window's count less
            // seen, so seen + unseen <= outer too, and seen + unseen >= inner (every run the kernel counted inside
            // is in the figures or reported as unseen; this is the bound the loss broke before it was reported).
            List<String> compared = new ArrayList<>();
            Set<String> shared = new HashSet<>(p0.shared());
            shared.addAll(p1.shared());
            for (String name : p1.singleHandlers().keySet()) {
                Long outer = delta(p0, p1, name);
                Long inner = delta(pa, pb, name);
                if (outer == null || inner == null || shared.contains(name) || name.length() > KernelCounts.NAME_MAX) {
                    continue; // one event runs several handlers; or the name is cut to 31 characters
                }
                long n = seen.getOrDefault(name, 0L);
                long u = unseen.getOrDefault(name, 0L);
                String what = name + ": hardirqs saw " + n + " runs and reported " + u + " unseen; /proc/interrupts counted "
                        + inner + " while it surely ran, " + outer + " while it may have run" + counters;
                assertTrue(n <= outer, what);
                assertTrue(n + u <= outer, what);
                assertTrue(n + u >= inner, what);
                if (n > 0) {
                    compared.add(name + "=" + n);
                }
            }
            assertTrue(!compared.isEmpty(), "direct writes made at least one interrupt: " + seen + " vs " + p1.singleHandlers());
            for (String name : seen.keySet()) {
                assertTrue(p1.singleHandlers().containsKey(name) || p1.shared().contains(name) || name.length() == 31,
                        name + " is a handler /proc/interrupts lists: " + p1.rows());
            }
            System.out.println("hardirqs " + mode + ": compared " + compared + counters);
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
                Running<Hardirqs.Report> r = Running.start(Hardirqs.run(new Hardirqs.Options(Hardirqs.Mode.TIME, false), false, HostPaths.DEFAULT))) {
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
            Interrupts now = interrupts();
            for (Hardirqs.Irq i : last.irqs()) {
                assertTrue(now.singleHandlers().containsKey(i.name()) || now.shared().contains(i.name()) || i.name().length() == 31,
                        i.name() + " in " + now.rows());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
