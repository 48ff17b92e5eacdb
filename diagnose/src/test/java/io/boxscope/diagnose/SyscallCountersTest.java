package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * diagnose's hand-written syscall collector on real system calls: this JVM's own (filtered on its
 * tgid), whose counts the test knows, and a dd making system calls as fast as it can, which the
 * collector traces for a share of the window only.
 */
@KernelTest
class SyscallCountersTest {
    private static final SyscallTable TABLE = SyscallTable.current();
    private static final Path SYS = Path.of("/sys");

    @TempDir
    Path dir;

    @Test
    void countsThisProcesssFsyncsAndFailedOpensExactly() throws Exception {
        int n = 25;
        Path file = dir.resolve("synced");
        int tgid = (int) ProcessHandle.current().pid();
        // budget 1: trace every call unless tracing would cost more CPU than the target uses (never, here)
        try (SyscallCounters c = SyscallCounters.load(SyscallCounters.Filter.process(tgid), SYS, 1.0);
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            String fdPath = null;
            c.attach(() -> -1);
            for (int i = 0; i < n; i++) {
                ch.write(ByteBuffer.wrap(new byte[] {'x', '\n'}));
                ch.force(true); // fsync(2)
                try {
                    Files.newInputStream(dir.resolve("missing-" + i)).close();
                } catch (NoSuchFileException expected) {
                    // openat(2) failed with ENOENT
                }
            }
            c.detach();
            SyscallCounters.Result r = c.read();
            assertEquals(1.0, r.tracedShare());
            int fsync = TABLE.number("fsync");
            SyscallCounters.Call calls = r.calls().stream().filter(x -> x.nr() == fsync).findFirst().orElseThrow();
            assertEquals(n, calls.count(), r.calls().toString());
            assertEquals(n, calls.timedCalls());
            assertTrue(calls.totalNs() > 0);
            int openat = TABLE.number("openat");
            long enoent = r.failures().stream().filter(f -> f.nr() == openat && f.errno() == Errno.ENOENT.number())
                    .mapToLong(SyscallCounters.Failure::count).sum();
            assertTrue(enoent >= n, "openat ENOENT " + enoent + " < " + n + ": " + r.failures());
            // the fsyncs are charged to the channel's descriptor, exactly (they are never sampled)
            List<SyscallCounters.File> synced = r.files().stream().filter(f -> f.pid() == tgid && f.syncs() > 0).toList();
            assertEquals(1, synced.size(), r.files().toString());
            fdPath = Files.readSymbolicLink(Path.of("/proc/self/fd/" + synced.getFirst().fd())).toString();
            assertEquals(file.toString(), fdPath);
            assertEquals(file.toString(), synced.getFirst().path(), "the kernel's name of the file (FileNames)");
            assertEquals(n, synced.getFirst().syncs());
        }
    }

    @Test
    void aTargetMakingCallsAsFastAsItCanIsTracedForAShareOfTheWindow() throws Exception {
        Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=/dev/null", "bs=1").redirectErrorStream(true).start();
        // a budget of 0.1 % (not diagnose's 2 %): a dd that a loaded machine gives a tenth of a CPU still makes
        // more calls than that allows
        try (SyscallCounters c = SyscallCounters.load(SyscallCounters.Filter.process((int) dd.pid()), SYS, 0.001)) {
            c.attach(() -> -1); // CPU time unknown: budgeted as if the target used one CPU
            Thread.sleep(3000);
            c.detach();
            SyscallCounters.Result r = c.read();
            assertTrue(r.tracedShare() < 1, "a dd of 1-byte blocks traced all the time: " + r.tracedShare());
            long reads = count(r, "read");
            long writes = count(r, "write");
            assertTrue(reads > 0 && writes > 0, r.calls().toString());
            // dd alternates read and write: scaled by the same share, the two stay within a few calls of each other
            assertTrue(Math.abs(reads - writes) <= Math.max(50, reads / 100), "reads " + reads + " writes " + writes);
        } finally {
            dd.destroyForcibly().waitFor();
        }
    }

    /**
     * The kernel stops counting at a share's end time even when the programs stay attached after it (a
     * duty-cycle thread woken late): N calls before the end, M after it while still attached, N counted.
     * Before the end time existed every call made while attached was counted (N + M).
     */
    @Test
    void countingStopsAtTheEndTimeWhenTheDetachComesLate() throws Exception {
        int getppid = TABLE.number("getppid");
        int n = 300;
        int m = 700;
        try (SyscallCounters c = SyscallCounters.load(SyscallCounters.Filter.process((int) ProcessHandle.current().pid()), SYS, 1.0)) {
            c.attachSlices();
            long before = System.nanoTime();
            c.on(SyscallCounters.NO_END);
            for (int i = 0; i < n; i++) {
                Sys.raw(getppid, 0, 0, 0, 0, 0);
            }
            c.on(0); // the share ends now; its thread wakes late:
            Thread.sleep(100);
            for (int i = 0; i < m; i++) {
                Sys.raw(getppid, 0, 0, 0, 0, 0);
            }
            c.off();
            c.detach();
            SyscallCounters.Result r = c.readCounted();
            assertEquals(n, count(r, "getppid"), "calls after the end time counted: " + r.calls());
            // the time counted in ends at the end time, not at the late detach
            assertTrue(c.countedNs() <= System.nanoTime() - before - TimeUnit.MILLISECONDS.toNanos(100), "counted " + c.countedNs());
            assertTrue(c.overrunNs() >= TimeUnit.MILLISECONDS.toNanos(100), "overrun " + c.overrunNs());
        }
    }

    /**
     * A known workload (this test's own thread making getppid calls as fast as it can, each timed) under the
     * duty cycle with its thread switching the tracing off 150 ms late every share: the calls counted are
     * those made inside the time the collector says it counted in, and the traced share is that time's.
     */
    @Test
    void whatIsCountedIsWhatWasMadeInTheCountedTimeWhenTheDutyThreadIsLate() throws Exception {
        int getppid = TABLE.number("getppid");
        long[] ts = new long[8_000_000];
        int made;
        try (SyscallCounters c = SyscallCounters.load(SyscallCounters.Filter.process((int) ProcessHandle.current().pid()), SYS, 1e-4)) {
            c.lateOffMs = 150;
            int[] calls = {0};
            long stopAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
            Thread worker = Thread.ofPlatform().start(() -> {
                int i = 0;
                while (i < ts.length - 1 && System.nanoTime() < stopAt) {
                    ts[i++] = System.nanoTime();
                    Sys.raw(getppid, 0, 0, 0, 0, 0);
                }
                ts[i] = System.nanoTime();
                calls[0] = i;
            });
            c.attach(() -> -1);
            worker.join();
            c.detach();
            made = calls[0];
            SyscallCounters.Result r = c.readCounted();
            List<SyscallCounters.Segment> segs = c.segments();
            long counted = count(r, "getppid");
            long lower = 0;
            long upper = 0;
            for (int i = 0; i < made; i++) {
                boolean surely = false;
                boolean maybe = false;
                for (SyscallCounters.Segment s : segs) {
                    surely |= ts[i] >= s.fromLate() && ts[i + 1] <= s.toEarly();
                    maybe |= ts[i + 1] > s.fromEarly() && ts[i] < s.toLate();
                }
                lower += surely ? 1 : 0;
                upper += maybe ? 1 : 0;
            }
            String seen = "counted " + counted + " of " + made + ", expected " + lower + ".." + upper + " from " + segs;
            assertTrue(lower <= counted && counted <= upper, seen);
            assertTrue(segs.size() >= 3, seen); // the first measurement, then shares
            assertTrue(counted < made, seen);
            assertTrue(c.overrunNs() > 0, "the late thread left the programs attached past the end times: " + seen);
            assertTrue(r.tracedShare() < 1, seen);
            long countedNs = segs.stream().mapToLong(s -> s.toEarly() - s.fromEarly()).sum();
            assertEquals(countedNs, c.countedNs(), seen);
        }
    }

    /**
     * What is a loss and what is not, on a process whose calls the test drives: cat blocked in read(2) on a
     * pipe. The read it was in when the tracing switched on was not counted, and its exit is no loss; a read
     * counted before a switch-off that returns after the next switch-on has lost its time (untimed 1); the
     * read cat is in when the window ends is in progress, not lost. The exit program is attached first, so
     * every counted call's exit is seen while attached.
     */
    @Test
    void onlyCountedCallsWhoseTimeIsUnknownAreLostTime() throws Exception {
        Process cat = new ProcessBuilder("cat").redirectErrorStream(true).start();
        try (OutputStream in = cat.getOutputStream(); InputStream out = cat.getInputStream();
                SyscallCounters c = SyscallCounters.load(SyscallCounters.Filter.process((int) cat.pid()), SYS, 1.0)) {
            int read = TABLE.number("read");
            blockedIn(cat, read);
            c.attachSlices();
            c.on(SyscallCounters.NO_END);
            in.write('a');
            in.flush();
            assertEquals('a', out.read());
            blockedIn(cat, read); // counted at its entry
            c.off();
            c.on(SyscallCounters.NO_END);
            in.write('b');
            in.flush();
            assertEquals('b', out.read()); // that read returned in this attachment: its time is lost
            blockedIn(cat, read);
            c.off();
            c.detach();
            SyscallCounters.Result r = c.readCounted();
            assertEquals(2, count(r, "read"), r.calls().toString());
            assertEquals(2, count(r, "write"), r.calls().toString());
            assertEquals(0, r.calls().stream().filter(x -> x.nr() == read).mapToLong(SyscallCounters.Call::timedCalls).sum());
            assertEquals(1, r.untimed(), r.toString());
            assertEquals(1, r.inProgress(), r.toString());
            assertEquals(1.0, r.tracedShare());
        } finally {
            cat.destroyForcibly().waitFor();
        }
    }

    /** Waits until the process is asleep in system call {@code nr} (/proc/PID/syscall, proc(5)). */
    private static void blockedIn(Process p, int nr) throws Exception {
        Path syscall = Path.of("/proc/" + p.pid() + "/syscall");
        for (int i = 0; i < 2000; i++) {
            String s = Files.readString(syscall);
            if (s.startsWith(nr + " ")) {
                return;
            }
            Thread.sleep(5);
        }
        org.junit.jupiter.api.Assertions.fail("process " + p.pid() + " never blocked in syscall " + nr + ": " + Files.readString(syscall));
    }

    private static long count(SyscallCounters.Result r, String name) {
        int nr = TABLE.number(name);
        return r.calls().stream().filter(x -> x.nr() == nr).mapToLong(SyscallCounters.Call::count).sum();
    }
}
