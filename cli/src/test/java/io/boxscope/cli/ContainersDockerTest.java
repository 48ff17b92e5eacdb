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

    /**
     * A mistyped name, as each user (docs/cli.md, "Exit codes"). As nobody with the sockets refusing: exit 3, the
     * refusal given as the reason. As nobody with the runtimes down (sockets covered, in a mount namespace of the
     * test's own, by /dev/null: connect(2) gets ECONNREFUSED, not EACCES): names are unknown but no privilege would
     * help, exit 1; before, any notice made a non-root miss exit 3. As root: exit 1.
     */
    @Test
    void aMistypedNameIsAPrivilegeErrorOnlyWhenTheSocketRefusedThisUser() throws Exception {
        io.boxscope.testkit.Requirements.requireRoot();
        String name = "boxscope-test-containers-typo-" + ProcessHandle.current().pid();
        String typo = name + "-typo";
        try (Docker.Container c = Docker.start(name, List.of(), "sleep", "300");
             io.boxscope.testkit.Unprivileged nobody = new io.boxscope.testkit.Unprivileged()) {
            List<String> jvm = List.of("--enable-native-access=ALL-UNNAMED");
            io.boxscope.testkit.Unprivileged.Result refused = nobody.java(jvm, "io.boxscope.cli.Main", "mem", "container", typo);
            assertEquals(ExitCode.PRIVILEGE, refused.code(), refused.out() + refused.err());
            assertEquals(1, refused.err().lines().count(), refused.err());
            assertTrue(refused.err().contains("names unavailable: cannot ask ") && refused.err().contains("run as root"),
                    refused.err());

            StringBuilder cover = new StringBuilder();
            for (String socket : List.of("/var/run/docker.sock", "/run/podman/podman.sock")) {
                if (Files.exists(Path.of(socket))) {
                    cover.append("mount --bind /dev/null ").append(socket).append(" && ");
                }
            }
            List<String> daemonsDown = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    cover + "exec \"$@\"", "sh");
            io.boxscope.testkit.Unprivileged.Result down = nobody.javaUnder(daemonsDown,
                    io.boxscope.testkit.Unprivileged.AS_NOBODY, jvm, "io.boxscope.cli.Main", "mem", "container", typo);
            assertEquals(ExitCode.FAILURE, down.code(), down.out() + down.err());
            assertEquals(1, down.err().lines().count(), down.err());
            assertTrue(down.err().startsWith("boxscope: no container named '" + typo + "'"), down.err());
            assertTrue(down.err().contains("names unavailable: cannot ask ") && !down.err().contains("run as root"), down.err());

            Cli root = Cli.run("mem", "container", typo);
            assertEquals(ExitCode.FAILURE, root.code(), root.out() + root.err());
            assertTrue(root.err().startsWith("boxscope: no container named '" + typo + "'"), root.err());
            assertTrue(root.err().contains(name), "the containers that exist are listed: " + root.err());
        }
    }

    /**
     * An id prefix that two containers share is a usage error (exit 2), as {@code docker} refuses it, with both
     * listed; it was exit 1, "not found". Containers are started until two of them share a first hex digit (at most
     * 17 by the pigeonhole principle; about 5 on average).
     */
    @Test
    void anAmbiguousIdPrefixIsAUsageErrorListingTheCandidates() throws Exception {
        List<Docker.Container> started = new java.util.ArrayList<>();
        try {
            Map<Character, Docker.Container> byDigit = new java.util.HashMap<>();
            Docker.Container first = null;
            Docker.Container second = null;
            for (int i = 0; i < 17 && second == null; i++) {
                Docker.Container c = Docker.start("boxscope-test-containers-ambiguous-" + ProcessHandle.current().pid() + "-" + i,
                        List.of(), "sleep", "300");
                started.add(c);
                first = byDigit.putIfAbsent(c.id().charAt(0), c);
                second = first == null ? null : c;
            }
            assertTrue(second != null, "17 containers and no two share a first hex digit: " + started);
            String prefix = second.id().substring(0, 1);
            for (String[] args : List.of(new String[] {"containers", "--container", prefix},
                    new String[] {"mem", "container", prefix})) {
                Cli r = Cli.run(args);
                assertEquals(ExitCode.USAGE, r.code(), List.of(args) + ": " + r.out() + r.err());
                assertEquals(1, r.err().lines().count(), r.err());
                assertTrue(r.err().startsWith("boxscope: container id prefix '" + prefix + "' is ambiguous"), r.err());
                assertTrue(r.err().contains(first.id().substring(0, 12)) && r.err().contains(second.id().substring(0, 12)),
                        "both candidates listed: " + r.err());
                assertEquals("", r.out());
            }
            Cli longer = Cli.run("containers", "--container", second.id().substring(0, 12));
            assertEquals(0, longer.code(), longer.err());
        } finally {
            started.forEach(Docker.Container::close);
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
