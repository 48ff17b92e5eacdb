package io.boxscope.tools.runqlat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapKind;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.tools.hist.HistTextTest;
import io.boxscope.tools.hist.Log2Hist;
import org.junit.jupiter.api.Test;

/** runqlat's text against libbpf-tools' runqlat and runqlat -P output captured here. */
class RunqlatTextTest {
    static String fixture(String name) throws Exception {
        try (InputStream in = HistTextTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void singleHistogram() throws Exception {
        String text = fixture("libbpf-runqlat.txt");
        long[] counts = HistTextTest.blocks("libbpf-runqlat.txt").getFirst().counts();
        Runqlat.Report r = new Runqlat.Report(null, "usecs", Runqlat.Group.ALL,
                List.of(new Runqlat.TaskHist(-1, null, new Log2Hist(Arrays.copyOf(counts, 26)))));
        assertEquals(text, Runqlat.header() + Runqlat.text(r));
    }

    @Test
    void perProcess() throws Exception {
        String text = fixture("libbpf-runqlat-P.txt");
        List<HistTextTest.Block> blocks = HistTextTest.blocks("libbpf-runqlat-P.txt");
        List<String> labels = text.lines().filter(l -> l.startsWith("pid = ")).toList();
        List<Runqlat.TaskHist> hists = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String[] f = labels.get(i).split(" ", 4);
            hists.add(new Runqlat.TaskHist(Long.parseLong(f[2]), f[3], new Log2Hist(Arrays.copyOf(blocks.get(i).counts(), 26))));
        }
        assertEquals(text, Runqlat.header() + Runqlat.text(new Runqlat.Report(null, "msecs", Runqlat.Group.PROCESS, hists)));
    }

    @Test
    void reportFromScriptMaps() {
        long[] b = new long[65];
        b[2] = 4; // value 1
        b[5] = 2; // [8, 16)
        MapDump hist = new MapDump("@hist", MapKind.HIST, true, List.of(
                new MapDump.Entry(List.of(new Value.Int(4242, 64, true)), new MapValue.Hist(b))));
        MapDump comm = new MapDump("@comm", MapKind.VALUE, true, List.of(
                new MapDump.Entry(List.of(new Value.Int(4242, 64, true)), new MapValue.Plain(new Value.Str("busy")))));
        Runqlat.Report r = Runqlat.report(hist, comm, new Runqlat.Options(false, null, Runqlat.Group.THREAD), null);
        assertEquals(new Runqlat.TaskHist(4242, "busy", new Log2Hist(slots(26, 0, 4, 3, 2))), r.hists().getFirst());
        assertTrue(Runqlat.text(r).startsWith("\n\ntid = 4242 busy\n     usecs "), Runqlat.text(r));
        assertEquals(List.of("1000000", "77", "1"), new Runqlat.Options(true, 77, Runqlat.Group.PROCESS).params());
    }

    static long[] slots(int n, int... pairs) {
        long[] s = new long[n];
        for (int i = 0; i < pairs.length; i += 2) {
            s[pairs[i]] = pairs[i + 1];
        }
        return s;
    }
}
