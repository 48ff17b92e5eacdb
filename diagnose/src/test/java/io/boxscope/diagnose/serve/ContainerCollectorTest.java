package io.boxscope.diagnose.serve;

import io.boxscope.diagnose.Verdict;

import static io.boxscope.testkit.TextAssert.assertContainsAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.cgroup.CgroupLimitsReader;
import io.boxscope.proc.cgroup.CgroupMembership;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.proc.container.Discovery;
import io.boxscope.proc.container.Runtime;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector against a cgroup tree captured on this machine (a hybrid v1+v2 host, Docker's
 * cgroupfs driver) from a busybox container run with {@code --cpus=0.5 --memory=64m} and a busy
 * loop: the expected values are the numbers in the captured files, written out here.
 */
class ContainerCollectorTest {
    static final String ID = "d00cd096611ab615a917dd40567702e836593b0869fdaffe438ffe30951e53c4";

    static Path fixture() throws URISyntaxException {
        return Path.of(ContainerCollectorTest.class.getResource("hybrid").toURI());
    }

    static ContainerInfo container(Path root, String id, String name) throws IOException, URISyntaxException {
        HostPaths paths = new HostPaths(root.resolve("proc"), root.resolve("sys"));
        CgroupMembership m = CgroupMembership.parse(Files.readString(fixture().resolve("cgroup-of-container"))
                .replace(ID, id));
        return new ContainerInfo(new ContainerRef(Runtime.DOCKER, id, Optional.empty()), name, "boxscope-test/busybox:latest",
                List.of(23411), m, m.unifiedPath().orElse(""), OptionalLong.empty(),
                new CgroupLimitsReader(new CgroupFs(paths)).read(m));
    }

    static String exposition(MetricSnapshots s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, s);
        return out.toString(StandardCharsets.UTF_8);
    }

    static ContainerCollector collector(Path root, List<ContainerInfo> cs, int max) {
        return new ContainerCollector(() -> new Discovery(cs, 10, 2, List.of()),
                new HostPaths(root.resolve("proc"), root.resolve("sys")), 0, max);
    }

    /**
     * With verdicts, the first scrape has none (a verdict needs an interval), the second has one series
     * per kind with exactly one at 1: the captured files do not change between the scrapes (no CPU
     * used, no thread seen), which the rules call mostly idle with high confidence.
     */
    @Test
    void exportsTheVerdictFromTheSecondScrapeOn() throws Exception {
        Path root = fixture();
        ContainerInfo web = container(root, ID, "web");
        ContainerCollector c = new ContainerCollector(() -> new Discovery(List.of(web), 10, 2, List.of()),
                new HostPaths(root.resolve("proc"), root.resolve("sys")), 0, 100, true);
        assertTrue(!exposition(c.collect()).contains("boxscope_container_verdict"), "a verdict from one scrape");
        Thread.sleep(5);
        String text = exposition(c.collect());
        String l = "{container=\"web\",container_id=\"" + ID + "\",image=\"boxscope-test/busybox:latest\"";
        assertTrue(text.contains("boxscope_container_verdict" + l + ",kind=\"mostly_idle\"} 1.0\n"), text);
        assertEquals(Verdict.Kind.values().length - 1, text.split("boxscope_container_verdict\\{[^}]*\\} 0.0\n", -1).length - 1, text);
        assertTrue(text.contains("boxscope_container_verdict_confidence" + l + "} 3.0\n"), text);
    }

    @Test
    void readsTheCapturedContainer() throws Exception {
        Path root = fixture();
        String text = exposition(collector(root, List.of(container(root, ID, "web")), 100).collect());
        String l = "{container=\"web\",container_id=\"" + ID + "\",image=\"boxscope-test/busybox:latest\"";
        // cpu/docker/ID/cpu.stat: nr_periods 119, nr_throttled 86, throttled_time 2574458939 (ns)
        assertContainsAll(text,
                "boxscope_container_cpu_cfs_periods_total" + l + "} 119.0\n",
                "boxscope_container_cpu_cfs_throttled_periods_total" + l + "} 86.0\n",
                "boxscope_container_cpu_cfs_throttled_seconds_total" + l + "} 2.574458939\n",
                // unified/docker/ID/cpu.stat: usage_usec 5770955 (v2's core stats, preferred over v1's cpuacct.usage)
                "boxscope_container_cpu_usage_seconds_total" + l + "} 5.770955\n",
                // cpu.cfs_quota_us 50000 / cpu.cfs_period_us 100000
                "boxscope_container_cpu_limit_cpus" + l + "} 0.5\n",
                // memory.limit_in_bytes 67108864, memory.usage_in_bytes 671744, inactive_file 0, oom_kill 0
                "boxscope_container_memory_limit_bytes" + l + "} 6.7108864E7\n",
                "boxscope_container_memory_usage_bytes" + l + "} 671744.0\n",
                "boxscope_container_memory_working_set_bytes" + l + "} 671744.0\n",
                "boxscope_container_memory_oom_kills_total" + l + "} 0.0\n",
                // unified/docker/ID/cpu.pressure: some total=4981879, full total=4980666 (us)
                "boxscope_container_pressure_stall_seconds_total" + l + ",kind=\"some\",resource=\"cpu\"} 4.981879\n",
                "boxscope_container_pressure_stall_seconds_total" + l + ",kind=\"full\",resource=\"cpu\"} 4.980666\n",
                "boxscope_container_pressure_stall_seconds_total" + l + ",kind=\"some\",resource=\"io\"} 0.0\n",
                // blkio: "Total 0"
                "boxscope_container_io_bytes_total" + l + ",operation=\"read\"} 0.0\n",
                // cgroup.procs: one PID
                "boxscope_container_processes" + l + "} 1.0\n",
                "boxscope_scrape_containers 1.0\n",
                "boxscope_scrape_read_errors_total 0.0\n",
                "boxscope_scrape_skipped_processes 2.0\n");
        assertTrue(text.contains("# TYPE boxscope_container_cpu_cfs_periods_total counter\n")
                || text.contains("# TYPE boxscope_container_cpu_cfs_periods counter\n"), text);
    }

    /** A pod's container (Kubernetes labels from its runtime) gets pod and namespace labels. */
    @Test
    void aPodsContainerCarriesPodAndNamespace() throws Exception {
        Path root = fixture();
        ContainerInfo plain = container(root, ID, "app");
        ContainerInfo pod = new ContainerInfo(plain.ref(), plain.name(), plain.image(), plain.pids(), plain.cgroups(),
                plain.unifiedPath(), plain.cgroupId(), plain.limits(),
                java.util.Map.of("io.kubernetes.pod.name", "web-0", "io.kubernetes.pod.namespace", "shop", "team", "x"));
        String text = exposition(collector(root, List.of(pod), 100).collect());
        String l = "{container=\"app\",container_id=\"" + ID + "\",image=\"boxscope-test/busybox:latest\",namespace=\"shop\",pod=\"web-0\"}";
        assertTrue(text.contains("boxscope_container_cpu_limit_cpus" + l + " 0.5\n"), text);
        assertFalse(text.contains("team"), text);
    }

    /**
     * PSS and USS: the container's process has the smaps_rollup of a busybox sleep captured in a
     * Docker container here (Pss 394 kB; Private_Clean 0 + Private_Dirty 48 kB); a second PID that
     * has exited is left out, not an error; the sums are remembered for the given age.
     */
    @Test
    void pssAndUssOfTheContainersProcesses(@TempDir Path tmp) throws Exception {
        Path root = copy(fixture(), tmp.resolve("hybrid"));
        Path rollup = Files.createDirectories(root.resolve("proc/23411")).resolve("smaps_rollup");
        Files.copy(Path.of(ContainerCollectorTest.class.getResource("smaps_rollup-busybox-sleep").toURI()), rollup);
        ContainerInfo one = container(root, ID, "web");
        ContainerInfo c = new ContainerInfo(one.ref(), one.name(), one.image(), List.of(23411, 999999), one.cgroups(),
                one.unifiedPath(), one.cgroupId(), one.limits());
        String l = "{container=\"web\",container_id=\"" + ID + "\",image=\"boxscope-test/busybox:latest\"}";
        ContainerCollector remembering = new ContainerCollector(() -> new Discovery(List.of(c), 0, 0, List.of()),
                new HostPaths(root.resolve("proc"), root.resolve("sys")), 0, 10, ContainerCollector.PSS_MAX_AGE_NANOS);
        String text = exposition(remembering.collect());
        assertContainsAll(text,
                "boxscope_container_memory_pss_bytes" + l + " 403456.0\n",
                "boxscope_container_memory_uss_bytes" + l + " 49152.0\n",
                "boxscope_scrape_read_errors_total 0.0\n");
        Files.writeString(rollup, Files.readString(rollup).replace("Pss:                 394 kB", "Pss:                 500 kB"));
        assertTrue(exposition(remembering.collect()).contains("boxscope_container_memory_pss_bytes" + l + " 403456.0\n"),
                "read again within its age");
        ContainerCollector fresh = new ContainerCollector(() -> new Discovery(List.of(c), 0, 0, List.of()),
                new HostPaths(root.resolve("proc"), root.resolve("sys")), 0, 10, 0);
        assertTrue(exposition(fresh.collect()).contains("boxscope_container_memory_pss_bytes" + l + " 512000.0\n"));
    }

    /** Hostile input: a cpu.stat that is not one, and a container whose cgroup is gone, are counted. */
    @Test
    void countsUnreadableFilesAndVanishedContainers(@TempDir Path tmp) throws Exception {
        Path root = copy(fixture(), tmp.resolve("hybrid"));
        String bad = "a".repeat(64);
        Files.walk(root).filter(p -> p.getFileName().toString().equals(ID)).toList().forEach(p -> {
            try {
                copy(p, p.resolveSibling(bad));
                Files.writeString(p.resolveSibling(bad).resolve("cgroup.procs"), "23411\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Files.writeString(root.resolve("sys/fs/cgroup/cpu/docker/" + bad + "/cpu.stat"), "nr_periods twelve\n");
        Files.writeString(root.resolve("sys/fs/cgroup/unified/docker/" + bad + "/cpu.stat"), "usage_usec -\n");
        ContainerInfo good = container(root, ID, "good");
        ContainerInfo broken = container(root, bad, "broken");
        ContainerInfo gone = container(root, "b".repeat(64), "gone");
        ContainerCollector c = collector(root, List.of(broken, gone, good), 100);
        String text = exposition(c.collect());
        assertTrue(text.contains("boxscope_scrape_containers 2.0\n"), text);
        assertTrue(text.contains("boxscope_scrape_containers_vanished 1.0\n"), text);
        assertFalse(text.contains("container=\"gone\""), text);
        assertTrue(text.contains("boxscope_scrape_read_errors_total 2.0\n"), text);
        assertEquals(2, c.lastProblems().size(), c.lastProblems().toString());
        assertTrue(c.lastProblems().stream().anyMatch(p -> p.startsWith("broken: ") && p.contains("cpu.stat")), c.lastProblems().toString());
        // the broken container still has its memory series; the good one all of its CPU series
        assertTrue(text.contains("boxscope_container_memory_limit_bytes{container=\"broken\""), text);
        assertTrue(text.contains("boxscope_container_cpu_cfs_periods_total{container=\"good\""), text);
        // errors accumulate across scrapes
        assertTrue(exposition(c.collect()).contains("boxscope_scrape_read_errors_total 4.0\n"));
    }

    @Test
    void boundsTheNumberOfContainersAndCountsTheRest() throws Exception {
        Path root = fixture();
        List<ContainerInfo> many = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            many.add(container(root, ID, "c" + i));
        }
        String text = exposition(collector(root, many, 2).collect());
        assertTrue(text.contains("boxscope_scrape_containers 2.0\n"), text);
        assertTrue(text.contains("boxscope_scrape_containers_dropped 1.0\n"), text);
        assertFalse(text.contains("container=\"c2\""), text);
    }

    /** Discovery's notices are said (lastProblems) but are not read errors. */
    @Test
    void noticesAreShownNotCounted() throws Exception {
        Path root = fixture();
        ContainerInfo web = container(root, ID, "web");
        ContainerCollector c = new ContainerCollector(() -> new Discovery(List.of(web), 1, 0,
                List.of("no runtime socket answered: showing ids")), new HostPaths(root.resolve("proc"), root.resolve("sys")), 0, 10);
        String text = exposition(c.collect());
        assertTrue(text.contains("boxscope_scrape_read_errors_total 0.0\n"), text);
        assertEquals(List.of("discovery: no runtime socket answered: showing ids"), c.lastProblems());
    }

    @Test
    void aFailedDiscoveryIsCountedNotThrown() throws Exception {
        ContainerCollector c = new ContainerCollector(() -> {
            throw new IOException("/proc: permission denied");
        }, new HostPaths(fixture().resolve("proc"), fixture().resolve("sys")), 0, 10);
        String text = exposition(c.collect());
        assertTrue(text.contains("boxscope_scrape_read_errors_total 1.0\n"), text);
        assertTrue(text.contains("boxscope_scrape_containers 0.0\n"), text);
        assertEquals(List.of("container discovery failed: /proc: permission denied"), c.lastProblems());
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }
}
