package io.boxscope.tools.cpudist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.hist.HistTextTest;
import io.boxscope.tools.hist.Log2Hist;
import io.boxscope.tools.hist.Running;
import io.boxscope.tools.runqlat.Runqlat;
import org.junit.jupiter.api.Test;

/** cpudist against libbpf-tools' cpudist output captured here, and on-CPU / off-CPU times of known loops. */
class CpudistTest {
    @Test
    void layoutMatchesLibbpfTools() throws Exception {
        String text;
        try (InputStream in = HistTextTest.class.getResourceAsStream("libbpf-cpudist.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        long[] counts = HistTextTest.blocks("libbpf-cpudist.txt").getFirst().counts();
        Runqlat.Report r = new Runqlat.Report(null, "usecs", Runqlat.Group.ALL,
                List.of(new Runqlat.TaskHist(-1, null, new Log2Hist(Arrays.copyOf(counts, Cpudist.MAX_SLOTS)))));
        assertEquals(text, Cpudist.header(false) + Runqlat.text(r));
    }

    /**
     * Two busy loops pinned to one CPU are preempted while runnable: with -P each has on-CPU times; a
     * sleeping loop (sleep 0.05 in a loop) has off-CPU times with -O (-p on its shell).
     */
    @Test
    @KernelTest
    void onAndOffCpu() throws Exception {
        String loop = "i=0; while :; do i=$((i+1)); done";
        try (Running<Runqlat.Report> r = Running.start(Cpudist.run(new Cpudist.Options(false, null, Runqlat.Group.PROCESS, false), false))) {
            Process p = new ProcessBuilder("taskset", "-c", "0", "dash", "-c",
                    "timeout 2 dash -c '" + loop + "' & timeout 2 dash -c '" + loop + "' & wait").start();
            Thread.sleep(500);
            List<Long> loops = p.descendants().filter(d -> d.info().command().orElse("").endsWith("dash")).map(ProcessHandle::pid).toList();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            long on = r.stop().stream().flatMap(x -> x.hists().stream()).filter(h -> loops.contains(h.id()))
                    .mapToLong(h -> h.hist().total()).sum();
            assertTrue(on >= 2, "busy loops sharing a CPU are preempted and their on-CPU times counted: " + on + " " + loops);
        }
        Process sleeper = new ProcessBuilder("dash", "-c", "read x; for i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.05; done").start();
        try (Running<Runqlat.Report> r = Running.start(Cpudist.run(new Cpudist.Options(false, (int) sleeper.pid(), Runqlat.Group.ALL, true), false))) {
            sleeper.getOutputStream().write('\n');
            sleeper.getOutputStream().close();
            assertTrue(sleeper.waitFor(30, TimeUnit.SECONDS));
            long off = r.stop().stream().flatMap(x -> x.hists().stream()).mapToLong(h -> h.hist().total()).sum();
            assertTrue(off >= 10, "the shell waits for each of its 10 sleeps off the CPU: " + off);
        }
    }
}
