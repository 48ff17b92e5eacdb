package io.boxscope.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import org.junit.jupiter.api.Test;

/**
 * `boxscope containers` run in a private cgroup namespace, as in a privileged container started
 * with --cgroupns=private that sees the host's /proc and /sys: a fresh JVM (the same command
 * --container uses, {@link ContainerRun#javaCommand}) is put in a cgroup of its own and started
 * under {@code unshare --cgroup}, so every other process's /proc/PID/cgroup reads {@code /../…}.
 * It must still find a Docker container with its limits. Lives here to reuse javaCommand.
 */
@DockerTest
class CgroupNamespaceLiveTest {
    @Test
    void containersFromInsideAPrivateCgroupNamespace() throws Exception {
        String name = "boxscope-test-cgns-" + ProcessHandle.current().pid();
        String group = "boxscope-test-cgns-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime() & 0xffff);
        // Every mounted hierarchy but cpuset (a new v1 cpuset cgroup takes no tasks before its cpus are set):
        // there our namespace root stays the host's root, so both cases meet in one run.
        List<Path> dirs = new ArrayList<>();
        try (var mounts = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : mounts.toList()) {
                if (!h.getFileName().toString().equals("cpuset") && Files.exists(h.resolve("cgroup.procs")) && !Files.isSymbolicLink(h)) {
                    dirs.add(h.resolve(group));
                }
            }
        }
        if (Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
            dirs = List.of(Path.of("/sys/fs/cgroup").resolve(group)); // pure v2: one hierarchy
        }
        try (Docker.Container c = Docker.start(name, List.of("--cpus=0.25", "--memory=64m"), "sleep", "300")) {
            for (Path d : dirs) {
                Files.createDirectories(d);
            }
            StringBuilder join = new StringBuilder();
            for (Path d : dirs) {
                join.append("echo $$ > ").append(d.resolve("cgroup.procs")).append("; ");
            }
            List<String> cmd = new ArrayList<>(List.of("sh", "-c",
                    join + "exec unshare --cgroup sh -c 'head -1 /proc/1/cgroup >&2; exec \"$@\"' sh \"$@\"", "sh"));
            cmd.addAll(ContainerRun.javaCommand());
            cmd.addAll(List.of("containers", "--json"));
            Path err = Files.createTempFile("boxscope-cgns", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "did not finish");
                String stderr = Files.readString(err);
                // Precondition: PID 1's cgroup climbs out of our namespace.
                assertTrue(stderr.lines().findFirst().orElse("").contains("/.."), stderr);
                assertEquals(0, p.exitValue(), stderr + out);
                Map<String, Object> found = null;
                for (Object o : Json.asList(Json.asObject(Json.parse(out)).get("containers"))) {
                    if (name.equals(Json.asObject(o).get("name"))) {
                        found = Json.asObject(o);
                    }
                }
                assertTrue(found != null, name + " not found from inside the namespace: " + out + stderr);
                assertEquals(c.id(), found.get("id"));
                assertEquals("docker", found.get("runtime"));
                assertTrue(Json.asList(found.get("pids")).contains((long) c.pid()), found.toString());
                Map<String, Object> limits = Json.asObject(found.get("limits"));
                assertEquals(0.25, ((Number) limits.get("cpus")).doubleValue());
                assertEquals(64L << 20, limits.get("memory_limit_bytes"));
            } finally {
                Files.deleteIfExists(err);
            }
        } finally {
            for (Path d : dirs) {
                Files.deleteIfExists(d); // rmdir: empty once the child has exited
            }
        }
    }
}
