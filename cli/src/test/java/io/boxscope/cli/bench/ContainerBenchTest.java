package io.boxscope.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import org.junit.jupiter.api.Test;

/**
 * --container with a real container limited to half a CPU: a one-thread cpu run inside its cgroups
 * gets about half the throughput of the same run in a container without the limit (a ratio within
 * one test, never an absolute time) and reports the throttling.
 *
 * <p>Both containers get the highest CPU weight ({@code --cpu-shares=262144}, cgroup v1 cpu.shares;
 * docker maps it to cpu.weight on v2): a cgroup competes with the host's other runnable tasks by its
 * weight (Documentation/scheduler/sched-design-CFS.rst, group scheduling), so with the default weight a
 * loaded host (a CI with fifteen runnable tasks) gave the limited container less than its half CPU,
 * the quota never bound and the ratio measured the load (0.91 in a loaded run). With the weight, the
 * one-thread run can use a CPU whatever else runs, so the quota is what halves it.
 */
@DockerTest
class ContainerBenchTest {
    @Test
    @SuppressWarnings("unchecked")
    void halfACpuHalvesSingleThreadThroughputAndIsReportedAsThrottled() throws Exception {
        try (Docker.Container c = Docker.start("boxscope-test-bench-half", List.of("--cpus=0.5", WEIGHT), "sleep", "300");
                Docker.Container f = Docker.start("boxscope-test-bench-full", List.of(WEIGHT), "sleep", "300")) {
            // The unlimited reference runs the same way (--container, a fresh JVM in the container's cgroups) and
            // twice (before and after): the best of the two is the unlimited speed.
            double free1 = eps(inContainer(f, "1.5"));
            var limited = BenchCommandTest.run("--json", "--container", c.name(), "bench", "cpu", "--time=3", "--warmup-time=0.5");
            assertEquals(0, limited.code(), limited.err());
            double free2 = eps(inContainer(f, "1.5"));
            Map<String, Object> l = (Map<String, Object>) Json.parse(limited.out());
            double ratio = eps(l) / Math.max(free1, free2);
            assertTrue(ratio > 0.3 && ratio < 0.8, "0.5 CPU should give about half the events per second, got ratio " + ratio
                    + " (" + eps(l) + " vs " + free1 + ", " + free2 + ")");
            Map<String, Object> env = (Map<String, Object>) l.get("environment");
            assertEquals(0.5, ((Number) env.get("cpu_quota")).doubleValue(), 1e-9);
            Map<String, Object> run = (Map<String, Object>) ((List<Object>) l.get("runs")).get(0);
            Map<String, Object> t = (Map<String, Object>) run.get("throttling");
            assertTrue(((Number) t.get("nr_throttled")).longValue() > 0, "throttling reported: " + t);

            var text = BenchCommandTest.run("--container", c.name(), "bench", "cpu", "--time=1");
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("CPU:     0.5 CPUs"), text.out());
            assertTrue(text.out().contains("CPU-limited: throttled in "), text.out());
        }
    }

    /** The highest CPU weight docker takes: the containers' runs do not depend on what else the host runs. */
    private static final String WEIGHT = "--cpu-shares=262144";

    /** A one-thread cpu run of {@code seconds} inside container {@code c}, its JSON parsed. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> inContainer(Docker.Container c, String seconds) throws Exception {
        var r = BenchCommandTest.run("--json", "--container", c.name(), "bench", "cpu", "--time=" + seconds, "--warmup-time=0.5");
        assertEquals(0, r.code(), r.err());
        return (Map<String, Object>) Json.parse(r.out());
    }

    @SuppressWarnings("unchecked")
    static double eps(Map<String, Object> doc) {
        Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) doc.get("summary")).get("events_per_second");
        return ((Number) s.get("mean")).doubleValue();
    }
}
