package io.boxscope.tools.hist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * HistText against libbpf-tools' own output captured on this machine (resources README.md): every
 * histogram block is re-rendered from its count column alone, so the header, the inclusive ranges,
 * the padding and the bars all come from the code under test and must equal what the C tool printed.
 */
public class HistTextTest {

    /** One block of a fixture: the unit of its header, its lines (header included) and its counts. */
    public record Block(String unit, String text, long[] counts) {}

    public static List<Block> blocks(String resource) throws IOException {
        String text;
        try (InputStream in = HistTextTest.class.getResourceAsStream(resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Block> blocks = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.endsWith(" : count    distribution")) {
                continue;
            }
            StringBuilder sb = new StringBuilder(l).append('\n');
            List<Long> counts = new ArrayList<>();
            int j = i + 1;
            for (; j < lines.size() && lines.get(j).contains(" -> "); j++) {
                sb.append(lines.get(j)).append('\n');
                counts.add(Long.parseLong(lines.get(j).split(":")[1].trim().split("\\s+")[0]));
            }
            blocks.add(new Block(l.trim().split("\\s+")[0], sb.toString(), counts.stream().mapToLong(Long::longValue).toArray()));
            i = j - 1;
        }
        return blocks;
    }

    @ParameterizedTest
    @ValueSource(strings = {"libbpf-biolatency.txt", "libbpf-biolatency-D-F.txt", "libbpf-runqlat.txt",
            "libbpf-runqlat-P.txt", "libbpf-cpudist.txt", "libbpf-hardirqs-d.txt", "libbpf-softirqs-d.txt",
            "libbpf-bitesize.txt"})
    void log2MatchesLibbpfTools(String fixture) throws IOException {
        List<Block> blocks = blocks(fixture);
        assertTrue(blocks.size() >= 1, fixture + " has no histogram");
        for (Block b : blocks) {
            long[] slots = java.util.Arrays.copyOf(b.counts(), 27); // biolatency's MAX_SLOTS; trailing zeros are not printed
            assertEquals(b.text(), HistText.log2(new Log2Hist(slots), b.unit()), fixture);
        }
    }

    @Test
    void emptyHistogramPrintsNothing() {
        assertEquals("", HistText.log2(new Log2Hist(new long[27]), "usecs"));
        assertEquals("", HistText.linear(new long[10], 0, 1, "runqlen"));
    }

    /** Past slot 32, print_log2_hist widens the columns and halves the bar (expected text written from its format strings). */
    @Test
    void wideHistogramPastSlot32() {
        long[] slots = new long[40];
        slots[0] = 2;
        slots[33] = 4;
        String text = HistText.log2(new Log2Hist(slots), "nsecs");
        List<String> lines = text.lines().toList();
        assertEquals(" ".repeat(15) + "nsecs" + " ".repeat(24) + " : count    distribution", lines.get(0));
        assertEquals(" ".repeat(19) + "0 -> 1" + " ".repeat(19) + " : 2        |" + "*".repeat(10) + " ".repeat(10) + "|", lines.get(1));
        assertEquals(" ".repeat(10) + "8589934592 -> 17179869183" + " ".repeat(9) + " : 4        |" + "*".repeat(20) + "|", lines.get(34));
        assertEquals(35, lines.size());
    }

    /** print_linear_hist: only non-empty slots between the first and last, labelled base + i * step. */
    @Test
    void linearHistogram() {
        long[] vals = {0, 3, 0, 6, 0};
        String expected = "     runqlen       : count     distribution\n"
                + "        1          : 3        |" + "*".repeat(20) + " ".repeat(20) + "|\n"
                + "        3          : 6        |" + "*".repeat(40) + "|\n";
        assertEquals(expected, HistText.linear(vals, 0, 1, "runqlen"));
        assertTrue(HistText.linear(vals, 100, 10, "x").contains("        110        : 3 "));
    }

    /** The probe language's hist() buckets (bpftrace 0.17: negative, zero, then powers of two) become libbpf's slots. */
    @Test
    void slotsFromProbeBuckets() {
        long[] buckets = new long[65];
        buckets[0] = 9;   // negative: skipped, as libbpf's programs skip a negative delta
        buckets[1] = 1;   // value 0
        buckets[2] = 2;   // value 1
        buckets[3] = 3;   // [2, 4)
        buckets[6] = 4;   // [16, 32)
        buckets[40] = 5;  // [2^38, 2^39): past MAX_SLOTS, folded into the last slot
        Log2Hist h = Log2Hist.fromProbeBuckets(buckets, 27);
        long[] s = h.slots();
        assertEquals(3, s[0]);
        assertEquals(3, s[1]);
        assertEquals(4, s[4]);
        assertEquals(5, s[26]);
        assertEquals(15, h.total());
        assertEquals(16, Log2Hist.low(4));
        assertEquals(31, Log2Hist.high(4));
        assertEquals(0, Log2Hist.low(0));
        assertEquals(1, Log2Hist.high(0));
        assertThrows(IllegalArgumentException.class, () -> new Log2Hist(new long[] {-1}));
    }
}
