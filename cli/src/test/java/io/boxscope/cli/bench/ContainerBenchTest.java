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
 * gets about half the throughput of the same run outside (a ratio within one test, never an
 * absolute time) and reports the throttling.
 */
@DockerTest
class ContainerBenchTest {
    @Test
    @SuppressWarnings("unchecked")
    void halfACpuHalvesSingleThreadThroughputAndIsReportedAsThrottled() throws Exception {
        try (Docker.Container c = Docker.start("boxscope-test-bench-half", List.of("--cpus=0.5"), "sleep", "300")) {
            // The unlimited reference runs in a fresh JVM too, like the child of --container, and twice
            // (before and after): the best of the two is the unlimited speed on this possibly busy host.
            double free1 = eps(child("--json", "bench", "cpu", "--time=1.5", "--warmup-time=0.5"));
            var limited = BenchCommandTest.run("--json", "--container", c.name(), "bench", "cpu", "--time=3", "--warmup-time=0.5");
            assertEquals(0, limited.code(), limited.err());
            double free2 = eps(child("--json", "bench", "cpu", "--time=1.5", "--warmup-time=0.5"));
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

    /** Runs boxscope in a fresh JVM (as --container does, without joining) and parses its JSON. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> child(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(ContainerRun.javaCommand());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return (Map<String, Object>) Json.parse(out);
    }

    @SuppressWarnings("unchecked")
    static double eps(Map<String, Object> doc) {
        Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) doc.get("summary")).get("events_per_second");
        return ((Number) s.get("mean")).doubleValue();
    }
}
