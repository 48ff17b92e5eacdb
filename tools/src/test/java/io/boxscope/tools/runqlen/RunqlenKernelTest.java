package io.boxscope.tools.runqlen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.tools.hist.Running;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * runqlen on the real kernel with two busy loops pinned to one CPU (taskset), started before the tool
 * attaches and killed after it stops, so they are runnable on that CPU for every sample.
 * <ul>
 * <li>{@code -H} reads the CPU's whole run queue: both loops are on it at every sample, so (nearly)
 * every sample of that CPU sees a queue of at least one behind the running task.</li>
 * <li>By default the running task's CFS run queue is read (libbpf-tools' choice): the two loops
 * share one (same session, same task group, same CPU), so whenever one of them is the running task
 * the queue is at least one. How often that is follows from the loops' CPU time over the run
 * (/proc/PID/stat): samples are taken at a fixed rate, so the share of the CPU's samples with a
 * queue is at least the loops' share of that CPU's time (less a margin for the clock tick's
 * granularity of that CPU time).</li>
 * <li>An idle CPU shows 0: the other CPU's samples with no queue are at least its idle share
 * (/proc/stat) over the run, less the same margin. On a loaded machine that share may be small.</li>
 * </ul>
 */
@KernelTest
class RunqlenKernelTest {
    static final String LOOP = "while :; do :; done";
    static final long HZ = 100; // USER_HZ of /proc/PID/stat and /proc/stat

    static int lastCpu() {
        return Runtime.getRuntime().availableProcessors() - 1;
    }

    static List<Process> loops(int cpu) throws Exception {
        List<Process> out = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            out.add(new ProcessBuilder("taskset", "-c", Integer.toString(cpu), "dash", "-c", LOOP).start());
        }
        return out;
    }

    /** utime + stime of a process, in clock ticks. */
    static long ticks(Process p) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** idle + iowait ticks of CPU {@code cpu} and all its ticks, from /proc/stat. */
    static long[] cpuTicks(int cpu) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
            if (line.startsWith("cpu" + cpu + " ")) {
                String[] f = line.trim().split("\\s+");
                long all = 0;
                for (int i = 1; i < f.length && i <= 8; i++) {
                    all += Long.parseLong(f[i]);
                }
                return new long[] {Long.parseLong(f[4]) + Long.parseLong(f[5]), all};
            }
        }
        throw new AssertionError("no cpu" + cpu + " in /proc/stat");
    }

    record Sampled(long[] busy, long[] other, double loopShare, double otherIdleShare) {}

    static Sampled sample(boolean host) throws Exception {
        int busy = lastCpu();
        int other = busy == 0 ? 1 : 0;
        List<Process> loops = loops(busy);
        try {
            Thread.sleep(300);
            Runqlen.Options o = new Runqlen.Options(true, false, host, 99);
            List<Runqlen.Report> reports;
            long loopTicks;
            long[] before;
            long[] after;
            long t0;
            long t1;
            try (Running<Runqlen.Report> r = Running.start(Runqlen.run(o, Path.of("/sys"), false))) {
                t0 = System.nanoTime();
                long l0 = ticks(loops.get(0)) + ticks(loops.get(1));
                before = cpuTicks(other);
                Thread.sleep(3000);
                loopTicks = ticks(loops.get(0)) + ticks(loops.get(1)) - l0;
                after = cpuTicks(other);
                t1 = System.nanoTime();
                reports = r.stop();
            }
            for (Process p : loops) {
                assertTrue(p.isAlive(), "the loops ran through the whole run");
            }
            long[] b = new long[Runqlen.MAX_SLOTS];
            long[] c = new long[Runqlen.MAX_SLOTS];
            for (Runqlen.Report rep : reports) {
                assertEquals(io.boxscope.bpf.sys.Cpus.possible(), rep.slots().size(), "-C: one histogram per possible CPU");
                for (int i = 0; i < Runqlen.MAX_SLOTS; i++) {
                    b[i] += rep.slots().get(busy)[i];
                    c[i] += rep.slots().get(other)[i];
                }
            }
            double seconds = (t1 - t0) / 1e9;
            double idle = (after[1] - before[1]) == 0 ? 0 : (after[0] - before[0]) / (double) (after[1] - before[1]);
            return new Sampled(b, c, loopTicks / (seconds * HZ), idle);
        } finally {
            for (Process p : loops) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    static long total(long[] s) {
        long t = 0;
        for (long v : s) {
            t += v;
        }
        return t;
    }

    @Test
    void hostRunQueueHoldsBothLoops() throws Exception {
        Sampled s = sample(true);
        long all = total(s.busy());
        long queued = all - s.busy()[0];
        assertTrue(all >= 150, "about 99 samples a second for 3 s on the loops' CPU: " + all);
        assertTrue(queued >= all * 0.9, "both loops are always runnable on their CPU, so nearly every sample sees a queue: "
                + queued + " of " + all);
        long idle = s.other()[0];
        assertTrue(idle >= (s.otherIdleShare() - 0.15) * total(s.other()), "the other CPU was idle " + s.otherIdleShare()
                + " of the time: so many of its samples see no queue: " + idle + " of " + total(s.other()));
    }

    @Test
    void cfsRunQueueHoldsBothLoopsWhileOneRuns() throws Exception {
        Sampled s = sample(false);
        long all = total(s.busy());
        long queued = all - s.busy()[0];
        assertTrue(all >= 150, "about 99 samples a second for 3 s on the loops' CPU: " + all);
        assertTrue(s.loopShare() > 0.05, "the loops got some of their CPU: " + s.loopShare());
        assertTrue(queued >= (s.loopShare() - 0.15) * all, "the loops ran " + s.loopShare() + " of their CPU's time and see"
                + " each other queued whenever one runs: " + queued + " of " + all + " samples");
        long idle = s.other()[0];
        assertTrue(idle >= (s.otherIdleShare() - 0.15) * total(s.other()), "the other CPU was idle " + s.otherIdleShare()
                + " of the time: so many of its samples see no queue: " + idle + " of " + total(s.other()));
    }

    /** Linux 6.14 renamed cfs_rq.nr_running to nr_queued: the field follows the running kernel's version. */
    @Test
    void queueFieldFollowsTheKernel() throws Exception {
        String[] v = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(v[0]);
        int minor = Integer.parseInt(v[1]);
        String expected = major > 6 || (major == 6 && minor >= 14) ? "nr_queued" : "nr_running";
        assertEquals(expected, Runqlen.queueField(Btf.vmlinux(Path.of("/sys"))));
    }
}
