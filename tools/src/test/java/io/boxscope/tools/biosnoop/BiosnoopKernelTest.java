package io.boxscope.tools.biosnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.biolatency.BlockDevice;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import org.junit.jupiter.api.Test;

/**
 * biosnoop on the real kernel: every I/O of a {@code dd oflag=direct} of a known size is a line with
 * dd's PID and COMM, a write, on the file's disk; together at least size / max request size I/Os
 * carrying all the bytes written.
 */
@KernelTest
class BiosnoopKernelTest {
    static final long BYTES = 8L << 20;

    @Test
    void directWritesOfDd() throws Exception {
        Path dir = BlockDevice.testDir();
        BlockDevice disk = BlockDevice.of(dir);
        Path file = Files.createTempFile(dir, "boxscope-biosnoop", ".dat");
        List<Biosnoop.Event> events = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong skipped = new AtomicLong();
        CountDownLatch started = new CountDownLatch(1);
        BiosnoopTool tool = new BiosnoopTool(new Biosnoop.Options(false, disk.kernelDev(), 0, false), HostPaths.DEFAULT);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                tool.run(Path.of("/sys"), ToolTarget.ALL, Schedule.UNTIL_STOPPED, stop::get, new EventTool.Listener<>() {
                    @Override
                    public void started(int probes) {
                        started.countDown();
                    }

                    @Override
                    public void event(Biosnoop.Event e) {
                        events.add(e);
                    }

                    @Override
                    public void lost(long n) {
                        failure.compareAndSet(null, new AssertionError(n + " events lost"));
                    }

                    @Override
                    public void skipped(long n) {
                        // Other processes' BPF programs can make the kernel skip a run of ours (recursion
                        // protection); the tool reports each, and the bounds below allow exactly those.
                        skipped.addAndGet(n);
                    }
                });
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                started.countDown();
            }
        });
        try {
            assertTrue(started.await(120, TimeUnit.SECONDS));
            Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=" + (BYTES >> 20), "oflag=direct", "status=none")
                    .redirectErrorStream(true).start();
            String out = new String(dd.getInputStream().readAllBytes());
            assertTrue(dd.waitFor(120, TimeUnit.SECONDS) && dd.exitValue() == 0, "dd: " + out);
            Thread.sleep(300); // completions are reported as they happen; dd's last one is done when dd exits
            stop.set(true);
            t.join(60_000);
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            List<Biosnoop.Event> mine = events.stream().filter(e -> e.pid() == dd.pid() && e.rwbs().contains("W")).toList();
            // A skipped run loses at most one request (its issue or its completion), so each skip the tool
            // reported may account for one missing request of at most the disk's maximum size.
            long skips = skipped.get();
            assertTrue(mine.size() + skips >= BYTES / disk.maxRequestBytes(), mine.size() + " writes by dd for " + BYTES
                    + " bytes, max request " + disk.maxRequestBytes() + ", " + skips + " runs skipped: " + mine);
            assertTrue(mine.stream().mapToLong(Biosnoop.Event::bytes).sum() + skips * disk.maxRequestBytes() >= BYTES,
                    "the writes carry every byte (" + skips + " runs skipped): " + mine);
            assertTrue(mine.stream().allMatch(e -> e.comm().equals("dd") && e.disk().equals(disk.name())), mine.toString());
            assertTrue(events.stream().allMatch(e -> e.dev() == disk.kernelDev()), "-d keeps one disk");
            assertTrue(mine.stream().allMatch(e -> e.latencyNs() > 0));
            assertEquals(0, mine.stream().filter(e -> e.bytes() > disk.maxRequestBytes()).count());
        } finally {
            stop.set(true);
            t.join(60_000);
            Files.deleteIfExists(file);
        }
    }
}
