package io.boxscope.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import org.junit.jupiter.api.Test;

/**
 * --container with a container limited to half a CPU and 256 MiB: fileio writes its files inside
 * the container's file system (found through the container, never on the host), and a memory run
 * of 1G in total does not get the container OOM-killed (the child JVM is sized for 256 MiB).
 */
@DockerTest
class ContainerFileioDockerTest {
    @Test
    void fileioWritesInTheContainerAndMemoryDoesNotOomKillIt() throws Exception {
        String name = "boxscope-test-bench-fs-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        String dir = "/bx-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        try (Docker.Container c = Docker.start(name, List.of("--cpus=0.5", "--memory=256m"), "sleep", "300")) {
            Docker.run("exec", c.name(), "mkdir", dir);
            var prep = BenchCommandTest.run("--container", c.name(), "bench", "fileio", "prepare", "--file-num=2",
                    "--file-total-size=8M", "--file-dir=" + dir);
            assertEquals(0, prep.code(), prep.out() + prep.err());
            assertTrue(prep.err().contains("-Xmx64m"), "the child JVM is sized for 256 MiB: " + prep.err());
            String inside = Docker.run("exec", c.name(), "ls", "-l", dir);
            assertTrue(inside.contains("test_file.0") && inside.contains("test_file.1"), inside);
            assertTrue(inside.contains("4194304"), "each file is 4 MiB inside the container: " + inside);
            assertFalse(Files.exists(Path.of(dir)), "nothing was written on the host's " + dir);

            var run = BenchCommandTest.run("--container", c.name(), "bench", "fileio", "run", "--file-num=2",
                    "--file-total-size=8M", "--file-dir=" + dir, "--file-test-mode=rndrd", "--events=200", "--time=0");
            assertEquals(0, run.code(), run.out() + run.err());
            assertTrue(run.out().contains("total number of events:              200"), run.out());

            var clean = BenchCommandTest.run("--container", c.name(), "bench", "fileio", "cleanup", "--file-num=2",
                    "--file-total-size=8M", "--file-dir=" + dir);
            assertEquals(0, clean.code(), clean.err());
            assertFalse(Docker.run("exec", c.name(), "ls", dir).contains("test_file"));

            var mem = BenchCommandTest.run("--container", c.name(), "bench", "memory", "--memory-total-size=1G", "--time=20");
            assertEquals(0, mem.code(), mem.out() + mem.err());
            assertTrue(mem.out().contains("1024.00 MiB transferred"), mem.out());
            String state = Docker.run("inspect", "--format", "{{.State.Running}} {{.State.OOMKilled}}", c.id()).strip();
            assertEquals("true false", state, "the container still runs and was not OOM-killed");

            // a symbolic link in the container's path is refused: through /proc/PID/root it could lead to the host
            Docker.run("exec", c.name(), "ln", "-s", "/", dir + "/up");
            var link = BenchCommandTest.run("--container", c.name(), "bench", "fileio", "prepare", "--file-num=1",
                    "--file-total-size=1M", "--file-dir=" + dir + "/up/tmp");
            assertEquals(2, link.code(), link.out() + link.err());
            assertTrue(link.err().contains("symbolic link"), link.err());
        }
    }
}
