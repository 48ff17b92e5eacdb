package io.boxscope.tools.statsnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import io.boxscope.bpf.Errno;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import io.boxscope.tools.core.Harness;
import io.boxscope.tools.core.ToolTarget;
import org.junit.jupiter.api.Test;

/**
 * statsnoop --container X -x: the failed stats of a shell run in the container (docker exec), none
 * of the same shell's on the host, interleaved. Oracle: the workload (paths carry a token).
 */
@DockerTest
class StatsnoopDockerTest {
    @Test
    void onlyTheContainersStats() throws Exception {
        String name = "boxscope-test-statsnoop-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
        String token = "tok" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
        int n = 4;
        try (Docker.Container c = Docker.start(name, List.of(), "sleep", "300")) {
            ToolTarget target = ToolTarget.resolve(HostPaths.DEFAULT, null, name);
            List<StatEvent> events;
            try (Harness<StatEvent> h = new Harness<>(new Statsnoop(new Statsnoop.Options(true)), target)) {
                h.awaitStarted();
                for (int i = 0; i < n; i++) {
                    new ProcessBuilder("sh", "-c", "[ -e /nonexistent-" + token + "-host" + i + " ]").start().waitFor();
                    Docker.run("exec", name, "sh", "-c", "[ -e /nonexistent-" + token + "-container" + i + " ] || true");
                }
                Thread.sleep(300);
                events = h.stop().stream().filter(e -> e.path().contains(token)).toList();
            }
            assertEquals(n, events.size(), events::toString);
            for (int i = 0; i < n; i++) {
                StatEvent e = events.get(i);
                assertEquals(List.of("/nonexistent-" + token + "-container" + i, Errno.parse("ENOENT").number(), name),
                        List.of(e.path(), e.errno(), e.container()), e::toString);
            }
        }
    }
}
