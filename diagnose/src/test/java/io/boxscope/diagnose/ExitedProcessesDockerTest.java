package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * A container whose CPU goes to many short-lived processes (issue 15): a shell loop starting {@code ash -c 'count to
 * 20000'} {@link #RUNS} times, each living tens of milliseconds, less than the 100 ms between two /proc samples, so the
 * samples' top commands miss them. The exits collector ({@code ebpf-exits.bt}) counts each at its exit: exactly
 * {@link #RUNS} processes of command {@code ash} (busybox run through a link of that name, a command nothing else in the
 * container runs), with CPU time. Before 2026-12-06 (branch diagfix) diagnose had no such figure.
 */
@DockerTest
class ExitedProcessesDockerTest {
    static final int RUNS = 25;

    @Test
    void shortLivedProcessesAreCountedByCommandWithTheirCpu() throws Exception {
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "exits-");
        String loop = "ln -s /bin/busybox /tmp/ash; " + Triggered.WAIT_FOR_GO + "n=0; while [ $n -lt " + RUNS
                + " ]; do /tmp/ash -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'; n=$((n+1)); done" + Triggered.DONE;
        try (Docker.Container c = Docker.start("boxscope-test-exits-" + tag, List.of("-v", dir + ":/trig"), "sh", "-c", loop)) {
            Diagnosis d = Triggered.diagnose(c.id(), dir, Duration.ofSeconds(120));
            assertTrue(Files.exists(dir.resolve("done")), "the loop did not finish in the window: " + d.metrics());
            List<EbpfFindings.Exited> exited = d.ebpf().exited()
                    .orElseThrow(() -> new AssertionError("exits collector not measured: " + d.ebpf().unmeasured()));
            EbpfFindings.Exited ash = exited.stream().filter(x -> x.command().equals("ash")).findFirst()
                    .orElseThrow(() -> new AssertionError("no exited ash: " + exited));
            assertEquals(RUNS, ash.processes(), exited.toString());
            assertTrue(ash.cpuNs() > 0, ash.toString());
            // their whole lives were in the window: not more CPU than the container's cgroup used in it (the window's
            // CPU counter starts at the first sample, which may come a little after the first ash starts: 0.5 s of slack)
            double cgroupCpuS = d.metrics().cpuCores() * d.metrics().seconds();
            assertTrue(ash.cpuNs() / 1e9 <= cgroupCpuS + 0.5, ash + " against the cgroup's " + cgroupCpuS + " CPU-s");
            String line = Rules.exited(d.ebpf()).orElseThrow();
            assertTrue(line.contains("\"ash\" x" + RUNS + ", "), line);
        } finally {
            for (String f : List.of("go", "done")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir);
        }
    }
}
