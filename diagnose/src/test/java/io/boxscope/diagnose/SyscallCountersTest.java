package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import io.boxscope.bpf.Errno;
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
            assertEquals(n, synced.getFirst().syncs());
        }
    }

    @Test
    void aTargetMakingCallsAsFastAsItCanIsTracedForAShareOfTheWindow() throws Exception {
        Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=/dev/null", "bs=1").redirectErrorStream(true).start();
        try (SyscallCounters c = SyscallCounters.load(SyscallCounters.Filter.process((int) dd.pid()), SYS)) {
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

    private static long count(SyscallCounters.Result r, String name) {
        int nr = TABLE.number(name);
        return r.calls().stream().filter(x -> x.nr() == nr).mapToLong(SyscallCounters.Call::count).sum();
    }
}
