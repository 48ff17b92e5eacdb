package io.boxscope.tools.runqlat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.tools.hist.Log2Hist;
import io.boxscope.tools.hist.Running;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * runqlat on the real kernel: two busy loops pinned to one CPU (taskset) take turns, so each waits
 * in the run queue while the other runs; one busy loop alone on a CPU seldom waits. Shapes are
 * compared, never times: the shared pair has more latencies than the loop alone, and libbpf-tools'
 * runqlat over the same window puts the pair's latencies in the same buckets (± one).
 */
@KernelTest
class RunqlatKernelTest {
    static final String LOOP = "i=0; while :; do i=$((i+1)); done";

    /** {@code n} busy dash loops pinned to CPU {@code cpu}, in one process group under one parent: their parent's pid. */
    static Process busy(int cpu, int n, int seconds) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("timeout ").append(seconds).append(" dash -c '").append(LOOP).append("' & ");
        }
        sb.append("wait");
        return new ProcessBuilder("taskset", "-c", Integer.toString(cpu), "dash", "-c", sb.toString()).start();
    }

    static int lastCpu() {
        return Runtime.getRuntime().availableProcessors() - 1;
    }

    static List<Integer> children(Process p) {
        List<Integer> pids = new ArrayList<>();
        p.descendants().forEach(d -> {
            if (d.info().command().orElse("").endsWith("dash")) {
                pids.add((int) d.pid());
            }
        });
        return pids;
    }

    static long latencies(Runqlat.Report r, List<Integer> pids) {
        return r.hists().stream().filter(h -> pids.contains((int) h.id())).mapToLong(h -> h.hist().total()).sum();
    }

    /** The time spent waiting, estimated from the histogram: each count at its slot's lowest value (usecs). */
    static long waited(Runqlat.Report r, List<Integer> pids) {
        long sum = 0;
        for (Runqlat.TaskHist h : r.hists()) {
            if (pids.contains((int) h.id())) {
                long[] s = h.hist().slots();
                for (int i = 0; i < s.length; i++) {
                    sum += s[i] * Log2Hist.low(i);
                }
            }
        }
        return sum;
    }

    @Test
    void sharedCpuMeansRunQueueLatency() throws Exception {
        Runqlat.Options perProcess = new Runqlat.Options(false, null, Runqlat.Group.PROCESS);
        long shared;
        long alone;
        long sharedWait;
        long aloneWait;
        try (Running<Runqlat.Report> r = Running.start(Runqlat.run(perProcess, false))) {
            Process p = busy(lastCpu(), 2, 3);
            Thread.sleep(500);
            List<Integer> loops = children(p);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            List<Runqlat.Report> reports = r.stop();
            shared = reports.stream().mapToLong(x -> latencies(x, loops)).sum();
            sharedWait = reports.stream().mapToLong(x -> waited(x, loops)).sum();
        }
        try (Running<Runqlat.Report> r = Running.start(Runqlat.run(perProcess, false))) {
            Process p = busy(lastCpu(), 1, 3);
            Thread.sleep(500);
            List<Integer> loops = children(p);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            List<Runqlat.Report> reports = r.stop();
            alone = reports.stream().mapToLong(x -> latencies(x, loops)).sum();
            aloneWait = reports.stream().mapToLong(x -> waited(x, loops)).sum();
        }
        assertTrue(shared > 20, "two loops sharing one CPU for 3 s wait in the run queue many times: " + shared);
        assertTrue(sharedWait > aloneWait, "two loops on one CPU wait longer in all (" + sharedWait + " us, " + shared
                + " latencies) than one alone (" + aloneWait + " us, " + alone + " latencies)");
    }
}
