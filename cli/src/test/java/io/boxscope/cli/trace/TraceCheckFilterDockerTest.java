package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import io.boxscope.cli.Cli;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import org.junit.jupiter.api.Test;

/** {@code --check-filter} pushes container.name / container.id down as the container's cgroup id. */
@DockerTest
class TraceCheckFilterDockerTest {
    @Test
    void containerFiltersBecomeTheContainersCgroupId() throws Exception {
        String name = "boxscope-test-tracefilter-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        try (Docker.Container c = Docker.start(name, List.of(), "sleep", "300")) {
            // The expectation, from the kernel's files: the v2 cgroup of the container's process, its inode.
            String line = Files.readAllLines(Path.of("/proc", Integer.toString(c.pid()), "cgroup")).stream()
                    .filter(l -> l.startsWith("0::")).findFirst().orElseThrow();
            Path root = Path.of("/sys/fs/cgroup");
            Path unified = Files.exists(root.resolve("cgroup.controllers")) ? root : root.resolve("unified"); // v2 alone, or hybrid
            long inode = ((Number) Files.getAttribute(unified.resolve(line.substring(4)), "unix:ino")).longValue();

            for (String filter : List.of("container.name = " + name, "container.id = " + c.id().substring(0, 12),
                    "container.name in (" + name + ", nosuch-" + name + ")")) {
                Cli r = Cli.run("--json", "trace", "--check-filter", filter + " and evt.type = openat");
                assertEquals(0, r.code(), r.err());
                Map<String, Object> o = Json.asObject(Json.parse(r.out()));
                Map<String, Object> k = Json.asObject(o.get("kernel"));
                if (filter.contains("nosuch")) {
                    assertEquals(null, k.get("cgroup_ids"), "one unknown name: containers stay in user space");
                    assertTrue(o.get("notes").toString().contains("nosuch-" + name), o.toString());
                } else {
                    assertEquals(List.of(inode), Json.asList(k.get("cgroup_ids")).stream().map(x -> ((Number) x).longValue()).toList(), filter);
                }
                assertTrue(((String) o.get("user_space")).startsWith("container."), "and checked again in Java: " + o);
            }
        }
    }
}
