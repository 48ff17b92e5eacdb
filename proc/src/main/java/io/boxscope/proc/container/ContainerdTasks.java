package io.boxscope.proc.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.json.Json;
import io.boxscope.proc.json.JsonException;

/**
 * containerd's running tasks, as its runc v2 shim keeps them on disk: one bundle directory per task,
 * {@code <state>/io.containerd.runtime.v2.task/<namespace>/<id>/}, holding the OCI
 * {@code config.json} whose {@code linux.cgroupsPath} is the task's cgroup.
 *
 * <p>This is how a container started with {@code ctr run} is told from the host: containerd's
 * default cgroup is {@code /<namespace>/<id>} (containerd oci/spec.go), a path with no runtime's
 * name in it. CRI containers (Kubernetes) and Docker's are recognised from their paths alone
 * ({@link ContainerRecognizer}). The state directory is read through {@code <proc-root>/1/root},
 * the host's root as PID 1 sees it, so {@code --proc-root /host/proc} finds it from a container.
 */
public final class ContainerdTasks {
    /** containerd's default state directory (containerd(8), {@code state} in config.toml). */
    static final String STATE = "run/containerd";
    private static final String TASKS = "io.containerd.runtime.v2.task";

    private ContainerdTasks() {}

    /** One task: its namespace, container id, and cgroup path (as in /proc/PID/cgroup). */
    public record Task(String namespace, String id, String cgroupPath) {}

    /** What was found, and why nothing could be (empty if containerd's state was simply absent). */
    public record Scan(List<Task> tasks, List<String> problems) {
        public Scan {
            tasks = List.copyOf(tasks);
            problems = List.copyOf(problems);
        }
    }

    /**
     * The tasks under {@code <proc-root>/1/root/run/containerd}; with the default {@code /proc},
     * under {@code /run/containerd} when PID 1's root cannot be entered (ptrace access to PID 1 is
     * denied in some sandboxes, even to root).
     */
    public static Scan read(HostPaths paths) {
        Path viaInit = paths.procRoot().resolve("1").resolve("root").resolve(STATE);
        if (!Files.isDirectory(viaInit) && paths.procRoot().equals(HostPaths.DEFAULT.procRoot())) {
            return read(Path.of("/").resolve(STATE));
        }
        return read(viaInit);
    }

    static Scan read(Path state) {
        Path tasks = state.resolve(TASKS);
        List<Task> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(tasks)) {
            return new Scan(out, problems);
        }
        try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(tasks, Files::isDirectory)) {
            for (Path ns : namespaces) {
                try (DirectoryStream<Path> ids = Files.newDirectoryStream(ns, Files::isDirectory)) {
                    for (Path bundle : ids) {
                        Path config = bundle.resolve("config.json");
                        try {
                            cgroupPath(Files.readString(config, StandardCharsets.UTF_8)).ifPresent(cg ->
                                    out.add(new Task(ns.getFileName().toString(), bundle.getFileName().toString(), cg)));
                        } catch (java.nio.file.NoSuchFileException e) {
                            // a task being created or deleted
                        } catch (IOException | JsonException e) {
                            problems.add("cannot read containerd task " + bundle.getFileName() + " (" + e.getMessage() + ")");
                        }
                    }
                }
            }
        } catch (IOException e) {
            problems.add("cannot read containerd's tasks in " + tasks + " (" + e.getMessage() + ")");
        }
        return new Scan(out, problems);
    }

    /**
     * {@code linux.cgroupsPath} of an OCI runtime config (runtime-spec config-linux.md), as the
     * cgroup path /proc shows: a path as it is, or systemd's {@code slice:prefix:name} form as
     * runc places it ({@code /<slice hierarchy>/<prefix>-<name>.scope}).
     */
    static Optional<String> cgroupPath(String configJson) {
        Map<String, Object> config = Json.asObject(Json.parse(configJson));
        if (!(config.get("linux") instanceof Map<?, ?> linux) || !(linux.get("cgroupsPath") instanceof String path) || path.isEmpty()) {
            return Optional.empty();
        }
        String[] colon = path.split(":");
        if (!path.startsWith("/") && colon.length == 3) {
            return Optional.of(sliceDir(colon[0]) + "/" + colon[1] + "-" + colon[2] + ".scope");
        }
        return Optional.of(path.startsWith("/") ? path : "/" + path);
    }

    /** systemd.slice(5): {@code a-b-c.slice} lives in {@code /a.slice/a-b.slice/a-b-c.slice}. */
    static String sliceDir(String slice) {
        if (slice.isEmpty() || slice.equals("-.slice")) {
            return "";
        }
        String name = slice.endsWith(".slice") ? slice.substring(0, slice.length() - ".slice".length()) : slice;
        StringBuilder dir = new StringBuilder();
        String prefix = "";
        for (String part : name.split("-")) {
            prefix = prefix.isEmpty() ? part : prefix + "-" + part;
            dir.append('/').append(prefix).append(".slice");
        }
        return dir.toString();
    }
}
