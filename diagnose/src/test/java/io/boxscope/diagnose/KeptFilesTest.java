package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.ProcStat;
import io.boxscope.proc.cgroup.CgroupMembership;

/**
 * {@link Sampler#keepFilesOpen}: the target's /proc files stay open between samples and are read again from their start,
 * which the kernel answers with the figures of now (seq_file restarts at position 0). Run on this JVM's own /proc
 * entries: a thread of the test burns CPU between two samples and its schedstat run time, read through the kept file,
 * grows by at least what its own clock measured; a thread that exits between samples is not sampled again and its kept
 * files are closed; {@link Sampler#closeFiles} closes the rest.
 */
class KeptFilesTest {
    private static Target self(HostPaths paths) throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        String stat = Files.readString(paths.procRoot().resolve(pid + "/stat"));
        CgroupMembership cgroups = CgroupMembership.parse(Files.readString(paths.procRoot().resolve(pid + "/cgroup")));
        return new Target(Target.Kind.PROCESS, "pid " + pid, Optional.empty(), cgroups, OptionalInt.of(pid),
                OptionalLong.of(ProcStat.parse(stat).startTimeTicks()));
    }

    /** utime + stime of the calling thread, in USER_HZ ticks (proc(5): /proc/thread-self/stat fields 14 and 15). */
    private static long threadTicks() throws java.io.IOException {
        ProcStat st = ProcStat.parse(Files.readString(Path.of("/proc/thread-self/stat")));
        return st.utimeTicks() + st.stimeTicks();
    }

    private static TaskSample task(Snapshot s, int tid) {
        return s.tasks().stream().filter(t -> t.tid() == tid).findFirst().orElseThrow(() -> new AssertionError("thread " + tid
                + " not sampled: " + s.tasks().stream().map(TaskSample::tid).toList()));
    }

    @Test
    void keptFilesGiveTheFiguresOfNow() throws Exception {
        HostPaths paths = HostPaths.DEFAULT;
        Sampler s = new Sampler(self(paths), paths);
        s.keepFilesOpen();
        int[] tid = {0};
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch exit = new CountDownLatch(1);
        long[] burntNs = {0};
        Thread t = new Thread(() -> {
            try {
                // /proc/thread-self is PID/task/TID (proc(5))
                tid[0] = Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            started.countDown();
            try {
                go.await();
                // the thread's own CPU time from another file than the one checked (stat's utime + stime, in ticks of
                // 10 ms, read by path each time), until it has run 20 ticks
                long c0 = threadTicks();
                long x = 0;
                while (threadTicks() - c0 < 20) {
                    for (int i = 0; i < 100_000; i++) {
                        x += System.nanoTime() % 7;
                    }
                }
                burntNs[0] = (threadTicks() - c0 - 1) * 10_000_000L + (x == -1 ? 1 : 0);
                burnt.countDown();
                exit.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "kept-files-burner");
        t.start();
        try {
            started.await();
            Snapshot before = s.sample();
            String mine = "/task/" + tid[0] + "/";
            assertTrue(s.filesKeptOpen().stream().anyMatch(p -> p.toString().contains(mine + "schedstat")),
                    "each thread's files are kept: " + s.filesKeptOpen());
            long run0 = task(before, tid[0]).runNs();
            go.countDown();
            burnt.await();
            Snapshot after = s.sampleBetween();
            long run1 = task(after, tid[0]).runNs();
            // schedstat's run time is sum_exec_runtime, which stat's utime + stime split (to a tick)
            assertTrue(run1 - run0 >= burntNs[0], "run time grew by " + (run1 - run0) + " ns through the kept file, the thread"
                    + " burnt " + burntNs[0] + " ns: a stale file would not have grown");
            assertTrue(after.cpuUsageNs().getAsLong() - before.cpuUsageNs().getAsLong() >= 100_000_000L,
                    "the process's own CPU time (its kept stat file) grew by the burn, to a tick");
            exit.countDown();
            t.join();
            // Thread.join returns when the Java thread has terminated; the kernel task ends a moment later (the JVM
            // notifies joiners before the pthread exits), so wait for its /proc entry to go before sampling
            Path entry = Path.of("/proc/self/task/" + tid[0]);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.exists(entry) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertFalse(Files.exists(entry), "thread " + tid[0] + " still in /proc 10 s after join");
            Snapshot gone = s.sampleBetween();
            assertFalse(gone.tasks().stream().anyMatch(x -> x.tid() == tid[0]), "an exited thread is not sampled");
            assertFalse(s.filesKeptOpen().stream().anyMatch(p -> p.toString().contains(mine)), "its kept files were closed: "
                    + s.filesKeptOpen());
        } finally {
            exit.countDown();
            go.countDown();
            s.closeFiles();
        }
        assertEquals(java.util.Set.of(), s.filesKeptOpen());
    }

    @Test
    void theWindowClosesItsFiles() throws Exception {
        HostPaths paths = HostPaths.DEFAULT;
        Collector c = new Collector(self(paths), paths);
        long fds = openFiles();
        Window w = c.collect(java.time.Duration.ofMillis(300), java.time.Duration.ofMillis(50));
        assertTrue(w.snapshots().size() >= 2);
        assertTrue(openFiles() <= fds + 2, "the window's kept files are closed at its end: " + fds + " open before, "
                + openFiles() + " after");
    }

    private static long openFiles() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
