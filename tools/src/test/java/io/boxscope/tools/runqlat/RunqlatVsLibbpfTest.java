package io.boxscope.tools.runqlat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.hist.LibbpfOutput;
import io.boxscope.tools.hist.Log2Hist;
import io.boxscope.tools.hist.Running;
import org.junit.jupiter.api.Test;

/**
 * boxscope runqlat -P next to libbpf-tools' /usr/sbin/runqlat -P over the same window, while two busy
 * loops share one CPU: the loops' histograms hold about as many latencies (± 25%: the windows differ
 * by the tools' start and stop) and peak in the same bucket (± one).
 */
@KernelTest
class RunqlatVsLibbpfTest {
    @Test
    void sameBucketsAsLibbpfTools() throws Exception {
        Runqlat.Options o = new Runqlat.Options(false, null, Runqlat.Group.PROCESS);
        try (Running<Runqlat.Report> ours = Running.start(Runqlat.run(o, false));
             LibbpfOutput.Running theirs = new LibbpfOutput.Running("/usr/sbin/runqlat", "-P")) {
            Process p = RunqlatKernelTest.busy(RunqlatKernelTest.lastCpu(), 2, 3);
            Thread.sleep(500);
            List<Integer> loops = RunqlatKernelTest.children(p);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            List<LibbpfOutput.Hist> lib = LibbpfOutput.parse(theirs.stop());
            List<Runqlat.Report> box = ours.stop();
            long[] ref = new long[Runqlat.MAX_SLOTS];
            for (LibbpfOutput.Hist h : lib) {
                String[] label = h.label().split(" ");
                if (label.length >= 3 && label[0].equals("pid") && loops.contains(Integer.parseInt(label[2]))) {
                    for (int i = 0; i < h.counts().length; i++) {
                        ref[i] += h.counts()[i];
                    }
                }
            }
            Log2Hist mine = box.stream().flatMap(r -> r.hists().stream()).filter(h -> loops.contains((int) h.id()))
                    .map(Runqlat.TaskHist::hist).reduce(new Log2Hist(new long[Runqlat.MAX_SLOTS]), Log2Hist::plus);
            LibbpfOutput.Hist them = new LibbpfOutput.Hist("", ref);
            LibbpfOutput.Hist us = new LibbpfOutput.Hist("", mine.slots());
            String both = "\nloops " + loops + "\nlibbpf-tools: " + Arrays.toString(ref) + "\nboxscope:     " + Arrays.toString(mine.slots());
            assertTrue(them.total() > 20 && us.total() > 20, "both saw the loops wait" + both);
            assertTrue(Math.abs(us.total() - them.total()) <= Math.max(10, them.total() / 4), "as many latencies" + both);
            assertTrue(Math.abs(us.mode() - them.mode()) <= 1, "the same most frequent bucket" + both);
        }
    }
}
