package io.boxscope.cli.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import org.junit.jupiter.api.Test;

@DockerTest
class MemContainerDockerTest {
    /**
     * Waits for the workload's steady state: while the string is built the container runs sh, a
     * subshell, head and tr and its memory is still moving; once it holds only sh and the sleep
     * sh forks after the assignment (as `docker top` lists them), nothing allocates any more.
     */
    static void waitForShellAndSleep(Docker.Container c) throws InterruptedException {
        List<String> seen = List.of();
        for (int i = 0; i < 100; i++) {
            // "-o pid,comm": docker top needs the PID column; COMMAND is the last one.
            seen = Docker.run("top", c.id(), "-o", "pid,comm").lines().skip(1)
                    .map(l -> l.strip().split("\\s+")).map(f -> f[f.length - 1]).sorted().toList();
            if (seen.equals(List.of("sh", "sleep"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the container did not settle to sh + sleep: " + seen);
    }

    @Test
    void containerViewAndTopByContainer() throws Exception {
        // A name of this run's own: Docker.start first removes a container of the same name, which
        // may belong to a run in another worktree on the same dockerd.
        try (Docker.Container c = Docker.start("boxscope-test-mem-cli-" + ProcessHandle.current().pid(), List.of("-m", "200m"),
                "sh", "-c", "x=$(head -c 52428800 /dev/zero | tr '\\0' a); sleep 300; echo ${#x}")) {
            waitForShellAndSleep(c);
            Map<String, Object> j = Json.asObject(Json.parse(MemCommandTest.run("--json", "mem", "container", c.name()).out()));
            // Oracle: the workload holds a 50 MiB string, private to the shell.
            assertTrue(((Number) Json.asObject(j.get("processes")).get("uss_kb")).longValue() >= 50 * 1024, j.toString());
            MemCommandTest.Result text = MemCommandTest.run("mem", "container", c.name());
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("docker stats") && text.out().contains("Why the numbers differ"), text.out());
            MemCommandTest.Result top = MemCommandTest.run("mem", "top", "--container", c.name());
            assertEquals(0, top.code(), top.err());
            assertTrue(top.out().contains("sh -c") && top.out().contains(c.name()), top.out());
        }
    }
}
