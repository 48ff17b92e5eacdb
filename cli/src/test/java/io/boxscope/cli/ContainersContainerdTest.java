package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import io.boxscope.testkit.Containerd;
import io.boxscope.testkit.ContainerdTest;
import org.junit.jupiter.api.Test;

/**
 * containerd, containers started with ctr: found from the shim's bundle (cgroup /<namespace>/<id>),
 * named by their id (ctr has no other name), the image from containerd's metadata database.
 */
@ContainerdTest
class ContainersContainerdTest {
    @Test
    void containersMemAndBenchSeeACtrContainer() {
        String id = RuntimeLiveChecks.uniqueName("ctr");
        try (Containerd.Container c = Containerd.start(id, List.of("--cpus", "0.5", "--memory-limit", Long.toString(RuntimeLiveChecks.MEM_LIMIT)),
                "sleep", "300")) {
            RuntimeLiveChecks.checkAll(id, id, c.pid(), "containerd", Containerd.IMAGE);
            Cli r = Cli.run("containers");
            assertEquals(0, r.code(), r.err());
            assertEquals(0, r.err().lines().filter(l -> l.startsWith("notice: containerd:")).count(), r.err());
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(id) && l.contains("containerd") && l.contains("128MiB")), r.out());
        }
    }
}
