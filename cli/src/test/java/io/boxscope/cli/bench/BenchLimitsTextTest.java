package io.boxscope.cli.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import io.boxscope.bench.env.Environment;
import org.junit.jupiter.api.Test;

/**
 * The "Cgroup limits" block's cpuset line counts the CPUs of the cpuset, not the JVM's available processors: under
 * {@code boxscope --container web bench} in a {@code docker run --cpus=0.5} container the JVM runs with
 * {@code -XX:ActiveProcessorCount=1}, and the line read "cpuset:  0-1 (1 of 2 CPUs usable)" for a cpuset of two CPUs.
 */
class BenchLimitsTextTest {
    private static Environment env(int online, int jvmProcessors, String cpuset) {
        return new Environment("test CPU", online, jvmProcessors, "6.1", "jvm", "none", "/docker/abc",
                OptionalDouble.of(0.5), 100_000, cpuset, OptionalLong.empty(), List.of(), List.of());
    }

    @Test
    void theCpusetLineCountsTheCpusetsCpusNotTheJvmsProcessors() {
        String text = BenchRunner.limits(env(2, 1, "0-1"));
        assertTrue(text.contains("    cpuset:  0-1 (2 of 2 CPUs usable)\n"), text);
        assertTrue(text.contains("    CPU:     0.5 CPUs (quota 50000 us per 100000 us period)\n"), text);
    }

    @Test
    void aCpusetOfSomeCpusIsCountedFromItsList() {
        String text = BenchRunner.limits(env(16, 16, "0-3,8,10-11"));
        assertTrue(text.contains("    cpuset:  0-3,8,10-11 (7 of 16 CPUs usable)\n"), text);
    }

    @Test
    void noCpusetIsAllOnlineCpus() {
        String text = BenchRunner.limits(env(4, 1, ""));
        assertTrue(text.contains("    cpuset:  all (4 of 4 CPUs usable)\n"), text);
    }

    @Test
    void aCpulistThatDoesNotParseShowsTheJvmsCount() {
        String text = BenchRunner.limits(env(4, 3, "0-x\u001b"));
        assertTrue(text.contains("(3 of 4 CPUs usable)\n"), text);
        assertTrue(!text.contains("\u001b"), "the cgroup's text is escaped: " + text);
    }
}
