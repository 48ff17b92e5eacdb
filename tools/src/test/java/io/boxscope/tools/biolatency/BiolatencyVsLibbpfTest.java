package io.boxscope.tools.biolatency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.Partitions;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.hist.LibbpfOutput;
import io.boxscope.tools.hist.Log2Hist;
import io.boxscope.tools.hist.Running;
import org.junit.jupiter.api.Test;

/**
 * boxscope biolatency next to libbpf-tools' /usr/sbin/biolatency, both on one disk ({@code -d DISK})
 * while dd writes 16 MiB to it with O_DIRECT in 64 KiB requests: the same number of I/Os and the same
 * most frequent bucket (± one). The disk is a loop device of the test's own (losetup on a file), so no
 * other process's I/O lands in the difference between the two tools' windows: on this shared
 * machine the real disk sees hundreds of other I/Os per second. Times are never compared, only where
 * the counts fall.
 */
@KernelTest
class BiolatencyVsLibbpfTest {
    @Test
    void sameBucketsAsLibbpfTools() throws Exception {
        Path backing = Files.createTempFile("boxscope-biolatency-loop", ".img");
        new ProcessBuilder("truncate", "-s", "32M", backing.toString()).start().waitFor();
        Process losetup = new ProcessBuilder("losetup", "-f", "--show", backing.toString()).redirectErrorStream(true).start();
        String dev = new String(losetup.getInputStream().readAllBytes()).trim();
        assertTrue(losetup.waitFor(30, TimeUnit.SECONDS) && losetup.exitValue() == 0 && dev.startsWith("/dev/loop"), "losetup: " + dev);
        String name = dev.substring("/dev/".length());
        try {
            Partitions parts = Partitions.read(HostPaths.DEFAULT);
            long kdev = parts.dev(name).orElseThrow();
            try (LibbpfOutput.Running theirs = new LibbpfOutput.Running("/usr/sbin/biolatency", "-d", name);
                 Running<Biolatency.Report> ours = Running.start(Biolatency.run(
                         new Biolatency.Options(false, false, false, false, kdev), parts, false))) {
                Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=" + dev, "bs=64k", "count=256", "oflag=direct", "status=none")
                        .redirectErrorStream(true).start();
                String out = new String(dd.getInputStream().readAllBytes());
                assertTrue(dd.waitFor(120, TimeUnit.SECONDS) && dd.exitValue() == 0, "dd: " + out);
                Thread.sleep(200);
                List<Biolatency.Report> box = ours.stop();
                List<LibbpfOutput.Hist> lib = LibbpfOutput.parse(theirs.stop());
                assertEquals(1, lib.size(), "libbpf-tools printed one histogram");
                Log2Hist mine = box.stream().flatMap(r -> r.hists().stream()).map(Biolatency.DiskHist::hist)
                        .reduce(new Log2Hist(new long[Biolatency.MAX_SLOTS]), Log2Hist::plus);
                LibbpfOutput.Hist ref = lib.getFirst();
                LibbpfOutput.Hist us = new LibbpfOutput.Hist("", mine.slots());
                String both = "\nlibbpf-tools: " + Arrays.toString(ref.counts()) + "\nboxscope:     " + Arrays.toString(us.counts());
                long maxRequest = Long.parseLong(Files.readString(Path.of("/sys/block", name, "queue/max_sectors_kb")).trim()) * 1024;
                long least = (16L << 20) / maxRequest; // adjacent writes may merge into one request
                assertTrue(ref.total() >= least && us.total() >= least, "both saw dd's writes (at least " + least + ")" + both);
                assertTrue(Math.abs(us.total() - ref.total()) <= 2, "the same I/Os" + both);
                assertTrue(Math.abs(us.mode() - ref.mode()) <= 1, "the same most frequent bucket" + both);
            }
        } finally {
            new ProcessBuilder("losetup", "-d", dev).start().waitFor();
            Files.deleteIfExists(backing);
        }
    }
}
