package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import org.junit.jupiter.api.Test;

/** `boxscope containers` against a real container with known limits. */
@DockerTest
class ContainersDockerTest {
    @Test
    void findsLimitedContainerByNameWithItsPidsLimitsAndCgroupId() throws Exception {
        String name = "boxscope-test-containers";
        try (Docker.Container c = Docker.start(name, List.of("--cpus=0.5", "--memory=128m"), "sleep", "300")) {
            int pid = c.pid();
            Cli r = Cli.run("containers", "--json");
            assertEquals(0, r.code(), r.err());
            Map<String, Object> doc = Json.asObject(Json.parse(r.out()));
            Map<String, Object> found = null;
            for (Object o : Json.asList(doc.get("containers"))) {
                Map<String, Object> m = Json.asObject(o);
                if (name.equals(m.get("name"))) {
                    found = m;
                }
            }
            assertTrue(found != null, "container " + name + " not in " + r.out());
            assertEquals(c.id(), found.get("id"));
            assertEquals("docker", found.get("runtime"));
            assertTrue(Json.asList(found.get("pids")).contains((long) pid), found.toString());
            Map<String, Object> limits = Json.asObject(found.get("limits"));
            assertEquals(0.5, ((Number) limits.get("cpus")).doubleValue());
            assertEquals(128L * 1024 * 1024, limits.get("memory_limit_bytes"));
            Map<String, Object> cgroup = Json.asObject(found.get("cgroup"));
            String v2 = (String) cgroup.get("v2_path");
            Path dir = unifiedRoot().resolve(v2.substring(1));
            long inode = ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
            assertEquals(inode, cgroup.get("id"));

            Cli byPid = Cli.run("containers", "--pid", Integer.toString(pid));
            assertEquals(0, byPid.code(), byPid.err());
            assertTrue(byPid.out().contains("is in container " + name), byPid.out());

            Cli table = Cli.run("containers");
            assertTrue(table.out().lines().anyMatch(l -> l.startsWith(c.id().substring(0, 12)) && l.contains(name)
                    && l.contains("0.5") && l.contains("128MiB")), table.out());

            Cli byPrefix = Cli.run("containers", "--container", c.id().substring(0, 8));
            assertEquals(0, byPrefix.code(), byPrefix.err());
            assertTrue(byPrefix.out().contains("128MiB"), byPrefix.out());
        }
    }

    /**
     * As nobody, the Docker socket refuses the connection, so a running container is known by its id only and its
     * name matches nothing: exit 3 with the reason (the socket, "run as root"), not "no container named" alone, which
     * read as if the container were not there (and was exit 2). By id it is still found.
     */
    @Test
    void aNameThatOnlyTheRuntimeKnowsNeedsItsSocketAsNobody() throws Exception {
        io.boxscope.testkit.Requirements.requireRoot();
        String name = "boxscope-test-containers-nobody-" + ProcessHandle.current().pid();
        try (Docker.Container c = Docker.start(name, List.of(), "sleep", "300");
             io.boxscope.testkit.Unprivileged nobody = new io.boxscope.testkit.Unprivileged()) {
            List<String> jvm = List.of("--enable-native-access=ALL-UNNAMED");
            io.boxscope.testkit.Unprivileged.Result r = nobody.java(jvm, "io.boxscope.cli.Main", "mem", "container", name);
            assertEquals(ExitCode.PRIVILEGE, r.code(), r.out() + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("boxscope: no container named '" + name + "'"), r.err());
            assertTrue(r.err().contains("names unavailable: cannot ask ") && r.err().contains("run as root"), r.err());
            io.boxscope.testkit.Unprivileged.Result byId = nobody.java(jvm, "io.boxscope.cli.Main", "containers", "--container",
                    c.id().substring(0, 12));
            assertEquals(0, byId.code(), byId.err());
        }
    }

    private static Path unifiedRoot() {
        Path root = Path.of("/sys/fs/cgroup");
        return Files.exists(root.resolve("cgroup.controllers")) ? root : root.resolve("unified");
    }

    /** A container that exists but does not run: the error says so instead of "no container named". */
    @Test
    void aStoppedContainerIsNamedAsNotRunning() throws Exception {
        // Names of this run only: another run on the same dockerd must not remove them, nor we its.
        String created = "boxscope-test-containers-created-" + ProcessHandle.current().pid();
        String exited = "boxscope-test-containers-exited-" + ProcessHandle.current().pid();
        try {
            Docker.run("rm", "-f", created, exited);
            Docker.run("create", "--name", created, io.boxscope.testkit.Requirements.TEST_IMAGE, "sleep", "300");
            Docker.run("run", "--name", exited, io.boxscope.testkit.Requirements.TEST_IMAGE, "true"); // runs to its end
            for (String[] args : List.of(new String[] {"containers", "--container", created},
                    new String[] {"mem", "container", created}, new String[] {"mem", "top", "--container", created})) {
                Cli r = Cli.run(args);
                assertEquals(ExitCode.FAILURE, r.code(), r.err());
                assertEquals(1, r.err().lines().count(), r.err());
                assertTrue(r.err().startsWith("boxscope: container '" + created + "' is not running (state: created)"), r.err());
            }
            Cli r = Cli.run("mem", "container", exited);
            assertTrue(r.err().startsWith("boxscope: container '" + exited + "' is not running (state: exited)"), r.err());
            Cli none = Cli.run("mem", "container", "boxscope-test-no-such-container");
            assertTrue(none.err().startsWith("boxscope: no container named 'boxscope-test-no-such-container'"), none.err());
        } finally {
            Docker.run("rm", "-f", created, exited);
        }
    }
}
