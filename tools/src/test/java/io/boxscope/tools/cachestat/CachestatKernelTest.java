package io.boxscope.tools.cachestat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.hist.Running;
import org.junit.jupiter.api.Test;

/**
 * cachestat on the real kernel, restricted to a cgroup v2 directory of the test's own (the way
 * --container filters): a file's first read after its pages were dropped (dd iflag=nocache, which
 * calls posix_fadvise(POSIX_FADV_DONTNEED)) is almost all misses, its second read almost all hits.
 */
@KernelTest
class CachestatKernelTest {
    static final int MIB = 32;

    static Path unifiedRoot() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f[2].equals("cgroup2")) {
                return Path.of(f[1]);
            }
        }
        throw new AssertionError("no cgroup2 mount");
    }

    /** Runs {@code cmd} inside cgroup {@code dir}: the shell moves itself there, then execs. */
    static void runIn(Path dir, String cmd) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + dir.resolve("cgroup.procs") + " && exec " + cmd)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, cmd + ": " + out);
    }

    static Cachestat.Interval total(List<Cachestat.Interval> is) {
        long hits = is.stream().mapToLong(Cachestat.Interval::hits).sum();
        long misses = is.stream().mapToLong(Cachestat.Interval::misses).sum();
        return new Cachestat.Interval(null, hits, misses, 0, hits + misses == 0 ? 0 : (double) hits / (hits + misses), 0, 0);
    }

    @Test
    void firstReadMissesSecondReadHits() throws Exception {
        Path cg = unifiedRoot().resolve("boxscope-test-cachestat-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(cg);
        Path file = Files.createTempFile("boxscope-cachestat", ".dat");
        try {
            runIn(cg, "dd if=/dev/urandom of=" + file + " bs=1M count=" + MIB + " conv=fsync status=none");
            runIn(cg, "dd if=" + file + " iflag=nocache count=0 status=none");
            ToolTarget target = new ToolTarget(null, cg, null);
            Cachestat.Interval first;
            try (Running<Cachestat.Interval> r = Running.start(Cachestat.run(HostPaths.DEFAULT, false), target, Schedule.UNTIL_STOPPED)) {
                runIn(cg, "dd if=" + file + " of=/dev/null bs=1M status=none");
                first = total(r.stop());
            }
            Cachestat.Interval second;
            try (Running<Cachestat.Interval> r = Running.start(Cachestat.run(HostPaths.DEFAULT, false), target, Schedule.UNTIL_STOPPED)) {
                runIn(cg, "dd if=" + file + " of=/dev/null bs=1M status=none");
                second = total(r.stop());
            }
            Process getconf = new ProcessBuilder("getconf", "PAGESIZE").start();
            long pageSize = Long.parseLong(new String(getconf.getInputStream().readAllBytes()).trim());
            long pages = MIB * (1L << 20) / pageSize;
            assertTrue(first.misses() >= pages * 9 / 10, "the first read misses nearly every page: " + first);
            assertTrue(first.ratio() < 0.05, "first read after the pages were dropped: ~0% hits, " + first);
            // nearly every page: a few of the file's pages can be reclaimed between the reads on a busy machine (CI at
            // dad1c261: 8,185 hits of 8,192 pages, 16 misses)
            assertTrue(second.hits() >= pages * 99 / 100, "the second read hits nearly every page: " + second);
            assertTrue(second.ratio() > 0.95, "second read: ~100% hits, " + second);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(cg);
        }
    }
}
