package io.boxscope.cli.syscount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.boxscope.cli.Main;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * {@code --container}: a cgroup filter. busybox sh's {@code kill} builtin is one kill(2); the
 * {@code docker exec}'d shell joins the container's cgroup, the host's shells do not.
 */
@KernelTest
@DockerTest
class SyscountContainerTest {
    @Test
    void countsOnlyTheContainersSyscalls() throws Exception {
        try (Docker.Container c = Docker.start("boxscope-test-syscount-c", List.of("--cpus=0.5"), "sleep", "300")) {
            ByteArrayOutputStream mine = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(mine, true, StandardCharsets.UTF_8);
            CompletableFuture<Integer> ours = CompletableFuture.supplyAsync(
                    () -> Main.run(new String[] {"syscount", "--container", c.name(), "-d", "15", "-T", "0"}, out, out));
            long until = System.nanoTime() + 20_000_000_000L;
            while (!mine.toString(StandardCharsets.UTF_8).contains("Tracing syscalls") && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertTrue(mine.toString(StandardCharsets.UTF_8).contains("Tracing syscalls"), "syscount never started: " + mine);
            // the same loop on the host, at the same time, must not be counted
            Process host = new ProcessBuilder("/bin/dash", "-c", "i=0; while [ $i -lt 25 ]; do kill -0 $$; i=$((i+1)); done")
                    .start();
            Docker.run("exec", c.id(), "sh", "-c", "i=0; while [ $i -lt 40 ]; do kill -0 $$; i=$((i+1)); done");
            assertTrue(host.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, (int) ours.get(30, TimeUnit.SECONDS), mine.toString(StandardCharsets.UTF_8));
            String text = mine.toString(StandardCharsets.UTF_8);
            Map<String, Long> got = SyscountCommandTest.table(text);
            assertEquals(40L, got.get("kill"), text);
        }
    }
}
