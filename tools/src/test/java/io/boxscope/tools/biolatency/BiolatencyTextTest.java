package io.boxscope.tools.biolatency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapKind;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.proc.Partitions;
import io.boxscope.tools.hist.HistTextTest;
import io.boxscope.tools.hist.Log2Hist;
import org.junit.jupiter.api.Test;

/** biolatency's text against libbpf-tools' own output (tools/hist fixtures), and -F's words from rwbs. */
class BiolatencyTextTest {
    static String fixture(String name) throws Exception {
        try (InputStream in = HistTextTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The whole of {@code biolatency -D -F}'s output rebuilt from its counts, disk names and flag words. */
    @Test
    void perDiskPerFlagLayoutMatchesLibbpfTools() throws Exception {
        String text = fixture("libbpf-biolatency-D-F.txt");
        List<HistTextTest.Block> blocks = HistTextTest.blocks("libbpf-biolatency-D-F.txt");
        List<String> labels = text.lines().filter(l -> l.startsWith("disk = ")).toList();
        assertEquals(labels.size(), blocks.size());
        List<Biolatency.DiskHist> hists = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String[] f = labels.get(i).substring("disk = ".length()).split("\tflags = ");
            hists.add(new Biolatency.DiskHist(f[0], f[1], new Log2Hist(java.util.Arrays.copyOf(blocks.get(i).counts(), 27))));
        }
        assertEquals(text, Biolatency.header() + Biolatency.text(new Biolatency.Report(null, "usecs", hists)));
    }

    @Test
    void singleHistogramLayoutMatchesLibbpfTools() throws Exception {
        String text = fixture("libbpf-biolatency.txt");
        HistTextTest.Block b = HistTextTest.blocks("libbpf-biolatency.txt").getFirst();
        Biolatency.Report r = new Biolatency.Report(null, "usecs",
                List.of(new Biolatency.DiskHist(null, null, new Log2Hist(java.util.Arrays.copyOf(b.counts(), 27)))));
        assertEquals(text, Biolatency.header() + Biolatency.text(r));
    }

    /** The script's map (dev, rwbs) → report: disk names from /proc/partitions, flags from rwbs, -T's time line. */
    @Test
    void reportFromScriptMap() {
        long[] buckets = new long[65];
        buckets[8] = 5; // [64, 128) us
        MapDump m = new MapDump("@hist", MapKind.HIST, true, List.of(
                new MapDump.Entry(List.of(new Value.Int(Partitions.dev(254, 0), 32, false), new Value.Str("WS")), new MapValue.Hist(buckets)),
                new MapDump.Entry(List.of(new Value.Int(Partitions.dev(7, 3), 32, false), new Value.Str("R")), new MapValue.Hist(new long[65]))));
        Partitions p = Partitions.parse("major minor  #blocks  name\n\n 254        0  268435456 vda\n");
        Biolatency.Report r = Biolatency.report(m, new Biolatency.Options(false, true, true, false, null), p, "21:00:01");
        assertEquals(1, r.hists().size(), "an empty histogram is not printed");
        String t = Biolatency.text(r);
        assertEquals("\n21:00:01\n\ndisk = vda\tflags = Sync-Write\n     usecs               : count    distribution\n", t.substring(0, t.indexOf("         0 -> 1")));
        assertEquals(5, r.hists().getFirst().hist().slots()[6]);
    }

    /** rwbs as blk_fill_rwbs writes it, in libbpf-tools' words (the fixture's Write and Sync-Discard among them). */
    @Test
    void flagsFromRwbs() {
        assertEquals("Write", RwbsFlags.text("W"));
        assertEquals("Sync-Write", RwbsFlags.text("WS"));
        assertEquals("Sync-Discard", RwbsFlags.text("DS"));
        assertEquals("Metadata-Read", RwbsFlags.text("RM"));
        assertEquals("ReadAhead-Read", RwbsFlags.text("RA"));
        assertEquals("PreFlush-FUA-Sync-Write", RwbsFlags.text("FWFS"));
        assertEquals("Flush", RwbsFlags.text("F"));
        assertEquals("PreFlush-Flush", RwbsFlags.text("FF"));
        assertEquals("SecureErase", RwbsFlags.text("DE"));
        assertEquals("Unknown", RwbsFlags.text("N"));
        assertEquals("Unknown", RwbsFlags.text(""));
    }
}
