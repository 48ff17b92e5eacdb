package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * A container writing {@link #WRITES} blocks of 4 KiB to a file on a block device, each by one {@code dd conv=fsync}
 * (the slow container's fsync loop; busybox's dd has no {@code oflag=dsync}). Each fsync writes its dirty block and waits
 * for it, the write request submitted by dd itself, so the eBPF block collector attributes at least that many write
 * requests and bytes to the container. What its cgroup's I/O counters
 * (the file diagnose reads: v2 io.stat, else v1 blkio.throttle.io_serviced_recursive) did is read here, before and
 * after: where they did not move (this machine: cgroup v1 blkio, which its kernel leaves at 0), diagnose must not
 * report "0 B/s measured" but say the counters were not a measurement and give the collector's figures, naming that
 * source; where they moved, the counters' figures stay. Before 2026-12-06 (branch diagfix) this host's diagnosis said
 * "measured: true, 0 B/s".
 */
@DockerTest
class BlockIoCountersDockerTest {
    static final int WRITES = 100;

    @Test
    void countersThatDoNotMoveAreNotAMeasurement() throws Exception {
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        // a directory on a block device (not a tmpfs /tmp, not an overlay): where each dd's fsync becomes a request
        Path dir = Files.createTempDirectory(onABlockDevice(), "dsync-");
        // 2 MiB written first, before diagnose looks: a container that has done no I/O has its block collector left out
        // (CollectorPlan); the seed's slow container writes all the time
        String script = "dd if=/dev/zero of=/trig/warm bs=1M count=2 oflag=direct 2>/dev/null; " + Triggered.WAIT_FOR_GO
                + "n=0; while [ $n -lt " + WRITES + " ]; do dd if=/dev/zero of=/trig/f bs=4096 count=1 seek=$n conv=fsync,notrunc"
                + " 2>/dev/null; n=$((n+1)); done" + Triggered.DONE;
        try (Docker.Container c = Docker.start("boxscope-test-dsync-" + tag, List.of("-v", dir + ":/trig"), "sh", "-c", script)) {
            ContainerInfo info = ContainerDiscovery.of(HostPaths.DEFAULT).locate(c.id());
            Path counters = countersFile(info);
            String before = Files.readString(counters);
            Diagnosis d = Triggered.diagnose(c.id(), dir, Duration.ofSeconds(120));
            String after = Files.readString(counters);
            assertTrue(Files.exists(dir.resolve("done")), "dd did not finish in the window: " + d.metrics());
            EbpfFindings.BlockTraffic t = d.ebpf().blockTraffic()
                    .orElseThrow(() -> new AssertionError("block collector not measured: " + d.ebpf().unmeasured()));
            String seen = t + ", latency histogram " + d.ebpf().blockIo().map(LatencyHistogram::count) + ", " + d.ebpf().unmeasured();
            assertTrue(t.writeOps() >= WRITES, seen);
            assertTrue(t.writeBytes() >= (long) WRITES * 4096, seen);
            Metrics m = d.metrics();
            String why = counters + " before:\n" + before + "after:\n" + after + "\n" + m + "\n" + t;
            if (before.equals(after)) {
                assertEquals(Metrics.IoSource.EBPF, m.ioSource(), why);
                assertTrue(m.ioKnown(), why);
                assertTrue(m.ioCounterNotMeasured().isPresent(), why);
                assertEquals(t.writeOps(), Math.round(m.writeOpsPerSecond() * m.seconds()), why);
                assertEquals(t.writeBytes(), Math.round(m.writeBytesPerSecond() * m.seconds()), why);
                assertTrue(d.verdict().unmeasured().stream().anyMatch(l -> l.startsWith("block I/O bytes (cgroup counters): ")
                        && l.contains("eBPF")), d.verdict().unmeasured().toString());
            } else {
                assertEquals(Metrics.IoSource.CGROUP, m.ioSource(), why);
                assertTrue(m.writeOpsPerSecond() > 0, why);
                assertTrue(m.ioCounterNotMeasured().isEmpty(), why);
            }
        } finally {
            for (String f : List.of("go", "done", "warm", "f")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * A directory whose file system is on a block device: the module's target/ where it is (a checkout on a disk), else
     * /var/tmp, /tmp or the home directory. A file system's st_dev is its device's number when it has one, an anonymous
     * number (major 0: tmpfs, overlayfs) when not; /sys/dev/block/MAJOR:MINOR exists for block devices only (sysfs-dev(5)
     * ABI, Documentation/ABI/stable/sysfs-dev). None of them: the test fails, saying so (a skipped kernel test is a
     * failure in CI).
     */
    static Path onABlockDevice() throws java.io.IOException {
        List<Path> candidates = List.of(Path.of("target").toAbsolutePath(), Path.of("/var/tmp"), Path.of("/tmp"),
                Path.of(System.getProperty("user.home")));
        StringBuilder seen = new StringBuilder();
        for (Path p : candidates) {
            if (!Files.isDirectory(p) || !Files.isWritable(p)) {
                seen.append(p).append(": not a writable directory; ");
                continue;
            }
            long dev = ((Number) Files.getAttribute(p, "unix:dev")).longValue();
            // glibc's gnu_dev_major/gnu_dev_minor (sys/sysmacros.h)
            long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
            long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
            if (Files.exists(Path.of("/sys/dev/block/" + major + ":" + minor))) {
                return p;
            }
            seen.append(p).append(": device ").append(major).append(':').append(minor).append(" is not a block device; ");
        }
        throw new AssertionError("no directory on a block device to write to: " + seen);
    }

    /** The counters diagnose reads for the container (Sampler): its v2 io.stat where there is one, else v1 blkio's. */
    static Path countersFile(ContainerInfo c) {
        CgroupFs fs = new CgroupFs(HostPaths.DEFAULT);
        Optional<Path> v2 = fs.unifiedDir(c.cgroups()).map(p -> p.resolve("io.stat")).filter(Files::isReadable);
        return v2.orElseGet(() -> fs.v1Dir(c.cgroups(), "blkio").orElseThrow().resolve("blkio.throttle.io_serviced_recursive"));
    }
}
