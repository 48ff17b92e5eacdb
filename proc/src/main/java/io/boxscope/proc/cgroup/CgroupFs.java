package io.boxscope.proc.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
    /** Namespace roots found so far, by hierarchy mount (see {@link #hostView}). */
    private final Map<Path, String> namespaceRoots = new ConcurrentHashMap<>();
    private volatile CgroupMembership pid1;
    private volatile java.util.Set<String> privateHierarchies;

    public CgroupFs(HostPaths paths) {
        this.paths = paths;
    }

    /**
     * {@code m} with every path made a path of the host's tree. Outside a private cgroup namespace
     * that is {@code m} itself. Inside one ({@code <proc-root>/1/cgroup} climbs out with {@code /..},
     * as it does from a container started with {@code --cgroupns=private}), each path is put under
     * the namespace root's host path ({@link CgroupNamespace}), so {@code /../<id>} becomes
     * {@code /docker/<id>} and the container's own {@code /} its own cgroup; if that root cannot be
     * found, throws {@link CgroupNamespaceException} saying to run with {@code --cgroupns=host}.
     * Read every membership through this before recognising a container or reading its files.
     */
    public CgroupMembership hostView(CgroupMembership m) {
        if (privateHierarchies().isEmpty()) {
            return m; // the usual case, decided once: no file is touched per process
        }
        List<CgroupEntry> out = new ArrayList<>();
        boolean changed = false;
        for (CgroupEntry e : m.entries()) {
            String path = hostPath(e);
            changed |= !path.equals(e.path());
            out.add(new CgroupEntry(e.hierarchyId(), e.controllers(), path));
        }
        return changed ? new CgroupMembership(out) : m;
    }

    private String hostPath(CgroupEntry e) {
        Optional<String> init = initPath(e);
        if (init.isEmpty() || !privateHierarchies().contains(e.hierarchyId() + ":" + e.controllers())) {
            return e.path(); // not in a private namespace for this hierarchy (or nothing to resolve against)
        }
        Optional<Path> hierarchy = e.isUnified() ? unifiedRoot()
                : e.controllers().isEmpty() ? Optional.empty() : v1Root(e.controllers().getFirst());
        if (hierarchy.isEmpty()) {
            return e.path(); // not mounted under the sys root: never read
        }
        String label = e.isUnified() ? "v2" : String.join(",", e.controllers());
        String example = "PID 1 is at " + init.get();
        String root = namespaceRoots.computeIfAbsent(hierarchy.get(),
                h -> CgroupNamespace.hostRoot(paths, h, label, selfPath(e).orElse("/"), example));
        return CgroupNamespace.join(root, e.path()).orElseThrow(() -> CgroupNamespace.unresolvable(label, example,
                "the path " + e.path() + " climbs above the host's root from this namespace's root " + root));
    }

    /** PID 1's path in the hierarchy of {@code e}; empty if {@code <proc-root>/1/cgroup} cannot be read. */
    private Optional<String> initPath(CgroupEntry e) {
        return samePlace(init(), e);
    }

    private CgroupMembership init() {
        CgroupMembership init = pid1;
        if (init == null) {
            init = readMembership(paths.pidFile(1, "cgroup")).orElse(new CgroupMembership(List.of()));
            pid1 = init;
        }
        return init;
    }

    /** The hierarchies where PID 1's path climbs out of our namespace, as "id:[controllers]"; read once. */
    private java.util.Set<String> privateHierarchies() {
        java.util.Set<String> s = privateHierarchies;
        if (s == null) {
            s = init().entries().stream().filter(x -> CgroupNamespace.climbs(x.path()))
                    .map(x -> x.hierarchyId() + ":" + x.controllers())
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
            privateHierarchies = s;
        }
        return s;
    }

    private Optional<String> selfPath(CgroupEntry e) {
        return readMembership(paths.procRoot().resolve("self").resolve("cgroup")).flatMap(m -> samePlace(m, e));
    }

    private static Optional<String> samePlace(CgroupMembership m, CgroupEntry e) {
        return m.entries().stream().filter(x -> x.hierarchyId() == e.hierarchyId() && x.controllers().equals(e.controllers()))
                .map(CgroupEntry::path).findFirst();
    }

    private static Optional<CgroupMembership> readMembership(Path file) {
        try {
            return Optional.of(CgroupMembership.parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
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

    /**
     * Every cgroup directory below a v2 hierarchy's mount {@code root}, by id ({@link #cgroupId}): its path from the
     * root ("/" for the root), as the kernel names it in /proc/PID/cgroup. One walk of the tree; a cgroup removed
     * while walking is left out (the caller counts ids that name nothing), never an error; so is one that cannot be
     * read (its id, or its listing: EACCES under a delegated subtree), counted: {@link #walkIds}.
     *
     * @throws IOException when the root itself cannot be walked
     */
    public static Map<Long, String> cgroupIds(Path root) throws IOException {
        return walkIds(root).ids();
    }

    /**
     * What one walk of a v2 hierarchy found: the cgroups by id, and how many directories could not be read for a
     * reason other than their removal (a stat or a listing that failed: permissions, an I/O error), whose cgroups
     * (and those below them) are missing from {@code ids}.
     */
    public record IdWalk(Map<Long, String> ids, int unreadable) {}

    /** {@link #cgroupIds} with the count of the directories it could not read. */
    public static IdWalk walkIds(Path root) throws IOException {
        Map<Long, String> ids = new HashMap<>();
        int[] unreadable = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                try {
                    ids.put(cgroupId(dir), "/" + root.relativize(dir));
                } catch (IOException e) {
                    failed(e); // removed while walking: left out, as the doc says
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                failed(e); // a directory removed while walking, as above, or one that cannot be read
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                if (e != null) {
                    failed(e); // listing cut short by a removal, as above, or refused
                }
                return FileVisitResult.CONTINUE;
            }

            private void failed(IOException e) {
                if (!(e instanceof java.nio.file.NoSuchFileException)) {
                    unreadable[0]++;
                }
            }
        });
        return new IdWalk(ids, unreadable[0]);
    }

    /**
     * The directory of {@code cgroupPath} under a hierarchy's mount. A path that climbs above the
     * root ({@code /../x}: relative to a private cgroup namespace, not put through
     * {@link #hostView}) is an error, never a directory outside the mount.
     */
    static Path under(Path root, String cgroupPath) {
        String norm = CgroupNamespace.normalize(cgroupPath.startsWith("/") ? cgroupPath : "/" + cgroupPath).orElseThrow();
        if (norm.startsWith("/..")) {
            throw CgroupNamespace.unresolvable(root.getFileName() == null ? root.toString() : root.getFileName().toString(),
                    "a process is at " + cgroupPath, "the path climbs out of " + root);
        }
        String rel = norm.substring(1);
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
