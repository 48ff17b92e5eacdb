package io.boxscope.tools.hardirqs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.tools.hist.LibbpfOutput;
import io.boxscope.tools.hist.Log2Hist;
import org.junit.jupiter.api.Test;

/**
 * hardirqs' text: whole outputs of libbpf-tools' hardirqs (0.26, /usr/sbin) captured on this machine
 * ({@code libbpf-hardirqs.txt}, {@code -C}; {@code hist/libbpf-hardirqs-d.txt}) rebuilt from their
 * figures, and hardirqs.c 0.26's printf formats: {@code "%-26s %6s%5s\n"}, {@code "%-26s %11s\n"}, {@code "%-26s %11llu\n"}, {@code "hardirq = %s\n"}. */
class HardirqsTextTest {
    static final Hardirqs.KernelCheck NONE_UNSEEN = new Hardirqs.KernelCheck.Checked(List.of(), 0);

    @Test
    void totalTime() {
        Hardirqs.Report r = new Hardirqs.Report(null, Hardirqs.Mode.TIME, "usecs",
                List.of(new Hardirqs.Irq("virtio1-req.0", 62, null), new Hardirqs.Irq("a-name-longer-than-26-columns", 5, null)));
        assertEquals("\n"
                + "HARDIRQ                    TOTAL_usecs\n"
                + "virtio1-req.0                       62\n"
                + "a-name-longer-than-26-columns           5\n", Hardirqs.text(r));
    }

    /** Runs counted but not in the figures: the arithmetic and the line on standard error. */
    @Test
    void runsMissingFromTheFiguresAreCountedAndShown() {
        List<Hardirqs.Irq> one = List.of(new Hardirqs.Irq("virtio1-req.0", 140, null));
        // COUNT: 156 entry runs, 140 in the figures
        Hardirqs.Report c = new Hardirqs.Report(null, Hardirqs.Mode.COUNT, "usecs", one, 156, 155, 0, 140, NONE_UNSEEN);
        assertEquals(16, c.unattributed());
        assertEquals("hardirqs: 16 handler runs traced but missing from the per-handler figures (see docs/tools.md,"
                + " hardirqs)\n", Hardirqs.missedMessage(c));
        // TIME/DISTRIBUTION: 150 exits, 2 without a start, 147 runs timed in the figures
        Hardirqs.Report d = new Hardirqs.Report(null, Hardirqs.Mode.DISTRIBUTION, "usecs", List.of(), 149, 150, 2, 147, NONE_UNSEEN);
        assertEquals(1, d.unattributed());
        assertEquals("hardirqs: 2 handler runs not timed (its entry was not seen: it began before tracing did, or the entry"
                + " program did not run); 1 handler run traced but missing from the per-handler figures (see docs/tools.md,"
                + " hardirqs)\n", Hardirqs.missedMessage(d));
        // everything attributed: nothing to say
        assertEquals("", Hardirqs.missedMessage(new Hardirqs.Report(null, Hardirqs.Mode.TIME, "usecs", one, 140, 140, 0, 140, NONE_UNSEEN)));
    }

    @Test
    void countsWithTimestampAndNanoseconds() {
        Hardirqs.Report c = new Hardirqs.Report("12:00:01", Hardirqs.Mode.COUNT, "usecs", List.of(new Hardirqs.Irq("ttyS0", 3, null)));
        assertEquals("\n12:00:01\nHARDIRQ                    TOTAL_count\nttyS0                                3\n", Hardirqs.text(c));
        Hardirqs.Report n = new Hardirqs.Report(null, Hardirqs.Mode.TIME, "nsecs", List.of());
        assertEquals("\nHARDIRQ                    TOTAL_nsecs\n", Hardirqs.text(n));
        assertEquals("Tracing hard irq events... Hit Ctrl-C to end.\n", Hardirqs.header(Hardirqs.Mode.COUNT));
        assertEquals("Tracing hard irq event time... Hit Ctrl-C to end.\n", Hardirqs.header(Hardirqs.Mode.DISTRIBUTION));
    }

    @Test
    void distribution() {
        long[] slots = new long[Hardirqs.MAX_SLOTS];
        slots[2] = 4;
        slots[3] = 2;
        Hardirqs.Report r = new Hardirqs.Report(null, Hardirqs.Mode.DISTRIBUTION, "usecs",
                List.of(new Hardirqs.Irq("virtio3-rx", 0, new Log2Hist(slots))));
        assertEquals("\n"
                + "hardirq = virtio3-rx\n"
                + "     usecs               : count    distribution\n"
                + "         0 -> 1          : 0        |                                        |\n"
                + "         2 -> 3          : 0        |                                        |\n"
                + "         4 -> 7          : 4        |****************************************|\n"
                + "         8 -> 15         : 2        |********************                    |\n", Hardirqs.text(r));
    }

    @Test
    void scriptParameters() {
        assertEquals(List.of("1000", "0"), new Hardirqs.Options(Hardirqs.Mode.TIME, false).params());
        assertEquals(List.of("1", "1"), new Hardirqs.Options(Hardirqs.Mode.COUNT, true).params());
        assertEquals(List.of("1000", "2"), new Hardirqs.Options(Hardirqs.Mode.DISTRIBUTION, false).params());
    }

    /** The rows of a captured table: name (26 columns) and the figure. */
    static List<Hardirqs.Irq> rows(String text) {
        List<Hardirqs.Irq> out = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (String line : lines.subList(3, lines.size())) {
            out.add(new Hardirqs.Irq(line.substring(0, 26).trim(), Long.parseLong(line.substring(27).trim()), null));
        }
        return out;
    }

    @Test
    void capturedTotalsAndCountsRebuilt() throws Exception {
        String time = LibbpfOutput.resource("/io/boxscope/tools/hardirqs/libbpf-hardirqs.txt");
        assertEquals(time, Hardirqs.header(Hardirqs.Mode.TIME)
                + Hardirqs.text(new Hardirqs.Report(null, Hardirqs.Mode.TIME, "usecs", rows(time))));
        String count = LibbpfOutput.resource("/io/boxscope/tools/hardirqs/libbpf-hardirqs-C.txt");
        assertEquals(count, Hardirqs.header(Hardirqs.Mode.COUNT)
                + Hardirqs.text(new Hardirqs.Report(null, Hardirqs.Mode.COUNT, "usecs", rows(count))));
    }

    @Test
    void capturedDistributionRebuilt() throws Exception {
        String text = LibbpfOutput.resource("/io/boxscope/tools/hist/libbpf-hardirqs-d.txt");
        List<Hardirqs.Irq> irqs = new ArrayList<>();
        for (LibbpfOutput.Hist h : LibbpfOutput.parse(text)) {
            long[] slots = new long[Hardirqs.MAX_SLOTS];
            System.arraycopy(h.counts(), 0, slots, 0, h.counts().length);
            irqs.add(new Hardirqs.Irq(h.label().substring("hardirq = ".length()), 0, new Log2Hist(slots)));
        }
        assertEquals(text, Hardirqs.header(Hardirqs.Mode.DISTRIBUTION)
                + Hardirqs.text(new Hardirqs.Report(null, Hardirqs.Mode.DISTRIBUTION, "usecs", irqs)));
    }
}
