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

    /**
     * Namespaces whose containers {@link ContainerRecognizer} knows by their cgroup path alone:
     * Kubernetes' (CRI, under kubepods) and Docker's ({@code /docker/<id>}). Skipping them keeps a
     * node with hundreds of pods from costing a config.json each.
     */
    private static final java.util.Set<String> RECOGNISED_BY_PATH = java.util.Set.of("k8s.io", "moby");

    private ContainerdTasks() {}

    /** containerd's metadata database under its default root, /var/lib/containerd (containerd(8)). */
    static final String METADATA = "var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db";

    /**
     * One task: its namespace, container id, cgroup path (as in /proc/PID/cgroup), and image
     * reference from containerd's metadata ("" when it could not be read).
     */
    public record Task(String namespace, String id, String cgroupPath, String image, Map<String, String> labels) {
        public Task {
            labels = Map.copyOf(labels);
        }

        public Task(String namespace, String id, String cgroupPath, String image) {
            this(namespace, id, cgroupPath, image, Map.of());
        }
    }

    /**
     * What was found; {@code problems} says why a task could not be read, and
     * {@code imagesUnknown} why images are missing ("" when they were read).
     */
    public record Scan(List<Task> tasks, List<String> problems, String imagesUnknown) {
        public Scan {
            tasks = List.copyOf(tasks);
            problems = List.copyOf(problems);
        }
    }

    /**
     * The tasks under {@code <proc-root>/1/root/run/containerd}, images not yet read; with the
     * default {@code /proc}, under {@code /} when PID 1's root cannot be entered (ptrace access to
     * PID 1 is denied in some sandboxes, even to root).
     */
    public static Scan read(HostPaths paths) {
        return read(hostRoot(paths).resolve(STATE));
    }

    /** {@code tasks} with their images from containerd's metadata under the same root. */
    public static Scan withImages(HostPaths paths, Scan tasks) {
        return withImages(tasks, hostRoot(paths).resolve(METADATA));
    }

    private static Path hostRoot(HostPaths paths) {
        return HostRoot.of(paths);
    }

    static Scan read(Path state, Path metadata) {
        return withImages(read(state), metadata);
    }

    static Scan withImages(Scan s, Path metadata) {
        if (s.tasks().isEmpty()) {
            return s;
        }
        BoltDb db;
        try {
            db = BoltDb.open(metadata);
        } catch (IOException e) {
            return new Scan(s.tasks(), s.problems(), "cannot read containerd's metadata " + metadata + ": " + e.getMessage());
        }
        List<Task> named = new ArrayList<>();
        String unknown = "";
        for (Task t : s.tasks()) {
            String image = "";
            Map<String, String> labels = Map.of();
            try {
                image = image(db, t.namespace(), t.id()).orElse("");
                labels = kubernetesLabels(db, t.namespace(), t.id());
            } catch (IOException | RuntimeException e) {
                unknown = "cannot read containerd's metadata " + metadata + ": " + e.getMessage();
            }
            named.add(new Task(t.namespace(), t.id(), t.cgroupPath(), image, labels));
        }
        return new Scan(named, s.problems(), unknown);
    }

    /**
     * The Kubernetes labels ({@link KubernetesLabels}) of containers of containerd's {@code k8s.io}
     * namespace, the CRI plugin's, by container id: what names a pod's containers, which Boxscope
     * recognises by their kubepods cgroup path without reading containerd's state. One read of the
     * metadata database for all of them; ids it does not hold are left out.
     */
    public static Map<String, Map<String, String>> kubernetesLabels(HostPaths paths, java.util.Collection<String> ids)
            throws IOException {
        Map<String, Map<String, String>> out = new java.util.LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        BoltDb db = BoltDb.open(hostRoot(paths).resolve(METADATA));
        for (String id : ids) {
            Map<String, String> labels = kubernetesLabels(db, "k8s.io", id);
            if (!labels.isEmpty()) {
                out.put(id, labels);
            }
        }
        return out;
    }

    /** {@code v1/<namespace>/containers/<id>/labels} (containerd metadata/buckets.go), the Kubernetes ones. */
    static Map<String, String> kubernetesLabels(BoltDb db, String namespace, String id) throws IOException {
        Optional<BoltDb.Bucket> c = db.root().bucket("v1");
        for (String name : List.of(namespace, "containers", id, "labels")) {
            if (c.isEmpty()) {
                return Map.of();
            }
            c = c.get().bucket(name);
        }
        if (c.isEmpty()) {
            return Map.of();
        }
        Map<String, String> labels = new java.util.HashMap<>();
        for (String key : List.of(KubernetesLabels.POD_NAME, KubernetesLabels.POD_NAMESPACE, KubernetesLabels.CONTAINER_NAME)) {
            Optional<String> v = c.get().text(key);
            if (v.isPresent()) {
                labels.put(key, v.get());
            }
        }
        return KubernetesLabels.keep(labels);
    }

    /** {@code v1/<namespace>/containers/<id>/image} (containerd metadata/buckets.go). */
    static Optional<String> image(BoltDb db, String namespace, String id) throws IOException {
        Optional<BoltDb.Bucket> c = db.root().bucket("v1");
        for (String name : List.of(namespace, "containers", id)) {
            if (c.isEmpty()) {
                return Optional.empty();
            }
            c = c.get().bucket(name);
        }
        Optional<String> image = c.isEmpty() ? Optional.empty() : c.get().text("image");
        if (image.isPresent() && !REFERENCE.matcher(image.get()).matches()) {
            // bbolt's data pages carry no checksum: a value read in a race or from a damaged file
            // shows here, and is refused rather than shown.
            throw new IOException("the image of " + namespace + "/" + id + " is not an image reference (damaged or changing database)");
        }
        return image;
    }

    /** The characters of an image reference (distribution/reference's grammar), bounded. */
    private static final java.util.regex.Pattern REFERENCE = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,511}");

    static Scan read(Path state) {
        Path tasks = state.resolve(TASKS);
        List<Task> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(tasks)) {
            return new Scan(out, problems, "");
        }
        try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(tasks, Files::isDirectory)) {
            for (Path ns : namespaces) {
                if (RECOGNISED_BY_PATH.contains(ns.getFileName().toString())) {
                    continue;
                }
                try (DirectoryStream<Path> ids = Files.newDirectoryStream(ns, Files::isDirectory)) {
                    for (Path bundle : ids) {
                        Path config = bundle.resolve("config.json");
                        try {
                            cgroupPath(Files.readString(config, StandardCharsets.UTF_8)).ifPresent(cg ->
                                    out.add(new Task(ns.getFileName().toString(), bundle.getFileName().toString(), cg, "")));
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
        return new Scan(out, problems, "");
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
