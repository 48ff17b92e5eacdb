package io.boxscope.proc.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import io.boxscope.proc.HostPaths;

/**
 * Locates cgroup directories under {@code <sys-root>/fs/cgroup}, for the three layouts
 * (cgroups(7), Documentation/admin-guide/cgroup-v2.rst): pure v2 (the root holds
 * {@code cgroup.controllers}), hybrid (v1 hierarchies plus v2 at {@code unified/}), and v1 only.
 * A v1 hierarchy is found by controller name: {@code cpu}, {@code memory}, ... ({@code name=systemd}
 * mounts at {@code systemd}); the usual symlinks such as {@code cpu -> cpu,cpuacct} resolve by themselves.
 */
public final class CgroupFs {
    private final HostPaths paths;

    public CgroupFs(HostPaths paths) {
        this.paths = paths;
    }

    /** The v2 mount: the root itself on pure v2, {@code unified/} on hybrid hosts. */
    public Optional<Path> unifiedRoot() {
        Path root = paths.cgroupRoot();
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return Optional.of(root);
        }
        Path unified = root.resolve("unified");
        if (Files.exists(unified.resolve("cgroup.procs"))) {
            return Optional.of(unified);
        }
        return Optional.empty();
    }

    /** The v1 hierarchy that carries {@code controller}, if mounted. */
    public Optional<Path> v1Root(String controller) {
        if (unifiedRoot().map(u -> u.equals(paths.cgroupRoot())).orElse(false)) {
            return Optional.empty();
        }
        String dir = controller.startsWith("name=") ? controller.substring(5) : controller;
        Path p = paths.cgroupRoot().resolve(dir);
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    /** Directory of a process's v2 cgroup. */
    public Optional<Path> unifiedDir(CgroupMembership m) {
        return unifiedRoot().flatMap(root -> m.unifiedPath().map(p -> under(root, p)));
    }

    /** Directory of a process's v1 cgroup for {@code controller}. */
    public Optional<Path> v1Dir(CgroupMembership m, String controller) {
        return v1Root(controller).flatMap(root -> m.v1Path(controller).map(p -> under(root, p)));
    }

    /**
     * The v2 cgroup id: the inode number of the cgroup's directory, which is what
     * {@code bpf_get_current_cgroup_id()} returns (bpf-helpers(7)).
     */
    public static long cgroupId(Path unifiedDir) throws IOException {
        Object ino = Files.getAttribute(unifiedDir, "unix:ino");
        return ((Number) ino).longValue();
    }

    static Path under(Path root, String cgroupPath) {
        String rel = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
        return rel.isEmpty() ? root : root.resolve(rel);
    }

    /** Trimmed contents of a cgroup file, or empty if it does not exist. */
    static Optional<String> readOptional(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip());
    }
}
