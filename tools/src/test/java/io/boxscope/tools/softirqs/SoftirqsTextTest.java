package io.boxscope.tools.softirqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.tools.hist.LibbpfOutput;
import io.boxscope.tools.hist.Log2Hist;
import org.junit.jupiter.api.Test;

/**
 * softirqs' text: whole outputs of libbpf-tools' softirqs (/usr/sbin) captured on this machine
 * ({@code libbpf-softirqs.txt}; {@code hist/libbpf-softirqs-d.txt}) rebuilt from their figures, and
 * softirqs.c's printf formats: {@code "%-16s %6s%5s\n"} (0.26), with -C {@code "%-16s %-6s%-5s  %-11s\n"} and {@code "  %11llu"}. */
class SoftirqsTextTest {

    @Test
    void totals() {
        Softirqs.Options o = new Softirqs.Options(false, false, false);
        Softirqs.Report r = new Softirqs.Report(null, o, List.of(new Softirqs.Vector(1, "timer", 472, 60, null),
                new Softirqs.Vector(9, "rcu", 2907, 300, null)));
        assertEquals("\nSOFTIRQ          TOTAL_usecs\ntimer                    472\nrcu                     2907\n", Softirqs.text(r));
    }

    @Test
    void countsColumn() {
        Softirqs.Options o = new Softirqs.Options(false, true, true);
        Softirqs.Report r = new Softirqs.Report("01:02:03", o, List.of(new Softirqs.Vector(7, "sched", 648, 42, null)));
        assertEquals("\n01:02:03\nSOFTIRQ          TOTAL_nsecs  TOTAL_count\nsched                    648           42\n", Softirqs.text(r));
    }

    @Test
    void distributionEndsEachVectorWithABlankLine() {
        long[] s = new long[Softirqs.MAX_SLOTS];
        s[0] = 3;
        Softirqs.Options o = new Softirqs.Options(true, false, false);
        Softirqs.Report r = new Softirqs.Report(null, o, List.of(new Softirqs.Vector(3, "net_rx", 0, 0, new Log2Hist(s))));
        assertEquals("\nsoftirq = net_rx\n"
                + "     usecs               : count    distribution\n"
                + "         0 -> 1          : 3        |****************************************|\n\n", Softirqs.text(r));
    }

    @Test
    void countAndDistributionAreExclusive() {
        assertThrows(IllegalArgumentException.class, () -> new Softirqs.Options(true, true, false));
        assertEquals(List.of("1", "1"), new Softirqs.Options(true, false, true).params());
    }

    @Test
    void capturedTotalsRebuilt() throws Exception {
        String text = LibbpfOutput.resource("/io/boxscope/tools/softirqs/libbpf-softirqs.txt");
        List<Softirqs.Vector> vectors = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (String line : lines.subList(3, lines.size())) {
            String name = line.substring(0, 16).trim();
            vectors.add(new Softirqs.Vector(Softirqs.VECTORS.indexOf(name), name, Long.parseLong(line.substring(17).trim()), 1, null));
        }
        assertEquals(text, Softirqs.header() + Softirqs.text(new Softirqs.Report(null, new Softirqs.Options(false, false, false), vectors)));
    }

    @Test
    void capturedDistributionRebuilt() throws Exception {
        String text = LibbpfOutput.resource("/io/boxscope/tools/hist/libbpf-softirqs-d.txt");
        List<Softirqs.Vector> vectors = new ArrayList<>();
        for (LibbpfOutput.Hist h : LibbpfOutput.parse(text)) {
            long[] slots = new long[Softirqs.MAX_SLOTS];
            System.arraycopy(h.counts(), 0, slots, 0, h.counts().length);
            String name = h.label().substring("softirq = ".length());
            vectors.add(new Softirqs.Vector(Softirqs.VECTORS.indexOf(name), name, 0, 0, new Log2Hist(slots)));
        }
        assertEquals(text, Softirqs.header() + Softirqs.text(new Softirqs.Report(null, new Softirqs.Options(true, false, false), vectors)));
    }
}
