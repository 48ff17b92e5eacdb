package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import io.boxscope.testkit.Podman;
import io.boxscope.testkit.PodmanTest;
import org.junit.jupiter.api.Test;

/** Podman (rootful, cgroupfs manager here): names and images come from its Docker-compatible API socket. */
@PodmanTest
class ContainersPodmanTest {
    @Test
    void containersMemAndBenchSeeAPodmanContainer() {
        String name = RuntimeLiveChecks.uniqueName("podman");
        try (Podman.Container c = Podman.start(name, List.of("--cpus=0.5", "--memory=128m"), "sleep", "300")) {
            RuntimeLiveChecks.checkAll(name, c.id(), c.pid(), "podman", "localhost/" + io.boxscope.testkit.Requirements.TEST_IMAGE);
        }
    }

    /** A stopped Podman container is named as such, from the API's ?all=1 list. */
    @Test
    void aStoppedPodmanContainerIsNamedAsNotRunning() {
        String name = RuntimeLiveChecks.uniqueName("podman-exited");
        try {
            Podman.run("run", "--name", name, "--network", "host", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                    io.boxscope.testkit.Requirements.TEST_IMAGE, "true");
            Cli r = Cli.run("containers", "--container", name);
            assertEquals(ExitCode.FAILURE, r.code(), r.err()); // not running: docs/cli.md, "Exit codes"
            assertTrue(r.err().startsWith("boxscope: container '" + name + "' is not running (state: exited)"), r.err());
        } finally {
            io.boxscope.testkit.Requirements.run("podman", "rm", "-f", name);
        }
    }
}
