package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The block I/O latency collector with each place a request can get its owner: {@code block_io_start}
 * (what {@link BlockRequests#detect()} picks where the kernel has it) and the fallback for kernels
 * without it, {@code block_rq_insert}, chosen here on a kernel that may have both. The target is a dd
 * writing 4 KiB blocks with O_DIRECT (each write a block request it submits itself) to a file in the
 * build directory (on a disk; /tmp may be a tmpfs, which has no block requests): each start must see
 * its requests. A kernel that has neither tracepoint fails to load the collector, and the test with it.
 */
@KernelTest
class BlockStartFallbackTest {
    @ParameterizedTest
    @EnumSource(BlockRequests.Start.class)
    void directWritesAreTheTargets(BlockRequests.Start start) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "block-start-test"));
        Path file = dir.resolve("direct-" + start.name().toLowerCase(java.util.Locale.ROOT));
        Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=" + file, "bs=4k", "count=1000000", "oflag=direct")
                .redirectErrorStream(true).start();
        try {
            Target t = Targets.resolve(Long.toString(dd.pid()), HostPaths.DEFAULT, ContainerDiscovery.of(HostPaths.DEFAULT));
            EbpfFindings found;
            try (Ebpf e = Ebpf.start(t, HostPaths.DEFAULT, EnumSet.of(Ebpf.Collector.BIOLAT), start)) {
                Thread.sleep(1500);
                assertTrue(dd.isAlive(), () -> "dd ended early: " + output(dd));
                found = e.finish();
            }
            assertEquals(List.of(), found.unmeasured(), "the block I/O collector did not run at " + start.probe());
            LatencyHistogram h = found.blockIo().orElseThrow();
            // 1.5 s of 4 KiB direct writes: even a slow disk on a busy machine completes dozens
            assertTrue(h.count() >= 10, start.probe() + ": only " + h.count() + " of dd's direct writes seen");
        } finally {
            dd.destroyForcibly().waitFor();
            Files.deleteIfExists(file);
        }
    }

    /** What an ended process wrote (read only once it has ended: reading a live one's pipe blocks). */
    private static String output(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
