package io.boxscope.cli.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import org.junit.jupiter.api.Test;

/** {@code boxscope --container NAME probe ...}: probes fire only in the container's cgroup; {@code container} names it. */
@DockerTest
class ProbeContainerDockerTest {
    @Test
    void onlyTheContainersExecsCount() throws Exception {
        String name = "boxscope-test-probe-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
        try (Docker.Container c = Docker.start(name, List.of(), "sleep", "300")) {
            AtomicReference<Cli> result = new AtomicReference<>();
            Thread probe = new Thread(() -> result.set(Cli.run("--container", name, "probe", "-e",
                    "tracepoint:syscalls:sys_enter_execve /str(args->filename) == \"/bin/true\"/ { @n++; "
                    + "if (@n == 3) { printf(\"3 in %s\\n\", container); exit(); } } interval:s:60 { exit(); }")));
            probe.start();
            // host and container execs of /bin/true interleaved until the probe has seen three in the container
            while (probe.isAlive()) {
                new ProcessBuilder("/bin/true").start().waitFor();
                Docker.run("exec", name, "/bin/true");
                probe.join(200);
            }
            Cli r = result.get();
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("3 in " + name + "\n"), r.out());
        }
    }
}
