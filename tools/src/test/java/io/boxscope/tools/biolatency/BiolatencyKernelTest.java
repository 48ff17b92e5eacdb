package io.boxscope.tools.biolatency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.Partitions;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.hist.Running;
import org.junit.jupiter.api.Test;

/**
 * biolatency on the real kernel: a {@code dd oflag=direct} of a known size to a file on a real disk
 * makes at least size / max request size I/Os on that disk, and every one of them is in the histogram
 * of that disk (other processes' I/O to it can only add). Compared with libbpf-tools' biolatency run
 * over the same window.
 */
@KernelTest
class BiolatencyKernelTest {
    static final long BYTES = 16L << 20;

    static void directWrite(Path file) throws Exception {
        Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=" + (BYTES >> 20), "oflag=direct", "status=none")
                .redirectErrorStream(true).start();
        String out = new String(dd.getInputStream().readAllBytes());
        assertTrue(dd.waitFor(120, TimeUnit.SECONDS) && dd.exitValue() == 0, "dd: " + out);
    }

    @Test
    void directWritesAreCountedOnTheirDisk() throws Exception {
        Path dir = BlockDevice.testDir();
        BlockDevice disk = BlockDevice.of(dir);
        Path file = Files.createTempFile(dir, "boxscope-biolatency", ".dat");
        try {
            Partitions parts = Partitions.read(HostPaths.DEFAULT);
            Biolatency.Options o = new Biolatency.Options(false, true, false, false, disk.kernelDev());
            List<Biolatency.Report> reports;
            try (Running<Biolatency.Report> r = Running.start(Biolatency.run(o, parts, false))) {
                directWrite(file);
                reports = r.stop();
            }
            long ios = reports.stream().flatMap(x -> x.hists().stream()).filter(h -> h.disk().equals(disk.name()))
                    .mapToLong(h -> h.hist().total()).sum();
            assertTrue(ios >= BYTES / disk.maxRequestBytes(), ios + " I/Os on " + disk + " for " + BYTES + " bytes written with O_DIRECT");
            assertTrue(reports.stream().flatMap(x -> x.hists().stream()).allMatch(h -> h.disk().equals(disk.name())),
                    "-d " + disk.name() + " keeps only that disk: " + reports);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
