package io.boxscope.proc.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import io.boxscope.proc.HostPaths;

/**
 * Where this process's cgroup namespace root sits in the host's tree, per hierarchy.
 *
 * <p>{@code /proc/PID/cgroup} shows paths relative to the cgroup namespace of the process that
 * reads it (cgroup_namespaces(7)). In a container with a private cgroup namespace (Docker's default
 * on cgroup v2, and Kubernetes' with containerd or CRI-O), its own processes show {@code /} and
 * every other process a path that climbs out of it: {@code /../<other id>}, {@code /../..} for
 * PID 1. Mounted at {@code --sys-root}, the host's own cgroup tree is whole, so such a path names
 * a real directory once it is put under the namespace root's host path R.
 *
 * <p>R is found from this process's own cgroup: the directory of the hierarchy whose
 * {@code cgroup.procs} lists this process (the PID {@code <proc-root>/self} names), less this
 * process's own namespace-relative path. That needs the host's tree under {@code --sys-root} and
 * the same PID numbers in {@code --proc-root} and in {@code cgroup.procs} (the host PID namespace);
 * when either is missing, paths cannot be resolved and the caller says to run with
 * {@code --cgroupns=host}.
 */
final class CgroupNamespace {
    /** Bounds on the search of a hierarchy: deeper or larger trees than this are not walked. */
    private static final int MAX_DEPTH = 12;
    private static final int MAX_DIRS = 100_000;

    private CgroupNamespace() {}

    /** True if {@code path} climbs above its namespace root, as paths of other cgroups do in a private namespace. */
    static boolean climbs(String path) {
        return normalize(path).map(p -> p.startsWith("/..")).orElse(true);
    }

    /**
     * {@code root + "/" + relative}, with {@code ..} applied; empty if it would climb above the
     * hierarchy's root.
     */
    static Optional<String> join(String root, String relative) {
        return normalize(root + "/" + relative).filter(p -> !p.startsWith("/.."));
    }

    /** {@code path} with {@code .}, {@code ..} and empty segments applied; empty if it is not absolute. */
    static Optional<String> normalize(String path) {
        if (!path.startsWith("/")) {
            return Optional.empty();
        }
        Deque<String> out = new ArrayDeque<>();
        int climbs = 0;
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (out.isEmpty()) {
                    climbs++;
                } else {
                    out.removeLast();
                }
            } else {
                out.addLast(s);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < climbs; i++) {
            sb.append("/..");
        }
        for (String s : out) {
            sb.append('/').append(s);
        }
        return Optional.of(sb.isEmpty() ? "/" : sb.toString());
    }

    /**
     * The host path of this process's namespace root in the hierarchy mounted at {@code hierarchy}.
     * {@code selfPath} is this process's own path there as {@code <proc-root>/self/cgroup} shows it.
     */
    static String hostRoot(HostPaths paths, Path hierarchy, String label, String selfPath, String example) {
        int self = selfPid(paths, label, example);
        Optional<String> found;
        try {
            found = find(hierarchy, Integer.toString(self));
        } catch (IOException e) {
            throw unresolvable(label, example, "cannot search " + hierarchy + " (" + e.getMessage() + ")");
        }
        if (found.isEmpty()) {
            throw unresolvable(label, example, "this process (PID " + self + ") is in no cgroup under " + hierarchy);
        }
        // Our own directory is R + selfPath: strip selfPath's segments from its end.
        String own = found.get();
        String rel = normalize(selfPath).orElse("/");
        if (rel.equals("/")) {
            return own;
        }
        if (!own.endsWith(rel)) {
            throw unresolvable(label, example, "this process's cgroup " + own + " does not end with its namespace path " + rel);
        }
        String root = own.substring(0, own.length() - rel.length());
        return root.isEmpty() ? "/" : root;
    }

    private static int selfPid(HostPaths paths, String label, String example) {
        Path self = paths.procRoot().resolve("self");
        try {
            return Integer.parseInt(Files.readSymbolicLink(self).getFileName().toString());
        } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
            throw unresolvable(label, example, "cannot tell this process's PID from " + self);
        }
    }

    /** Breadth-first: the cgroup (as a path from the hierarchy's root) whose cgroup.procs lists {@code pid}. */
    private static Optional<String> find(Path hierarchy, String pid) throws IOException {
        Deque<Path> queue = new ArrayDeque<>(List.of(hierarchy));
        int seen = 0;
        while (!queue.isEmpty() && seen++ < MAX_DIRS) {
            Path dir = queue.removeFirst();
            if (lists(dir.resolve("cgroup.procs"), pid)) {
                String rel = hierarchy.relativize(dir).toString();
                return Optional.of("/" + rel);
            }
            if (hierarchy.relativize(dir).getNameCount() >= MAX_DEPTH && !dir.equals(hierarchy)) {
                continue;
            }
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
                ds.forEach(children::add);
            } catch (NoSuchFileException e) {
                continue; // removed while we walked
            }
            children.sort(null);
            queue.addAll(children);
        }
        return Optional.empty();
    }

    private static boolean lists(Path procs, String pid) throws IOException {
        try {
            for (String line : Files.readAllLines(procs, StandardCharsets.US_ASCII)) {
                if (line.strip().equals(pid)) {
                    return true;
                }
            }
            return false;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    static CgroupNamespaceException unresolvable(String label, String example, String why) {
        return new CgroupNamespaceException("cgroup paths here are relative to a private cgroup namespace (" + example
                + " in the " + label + " hierarchy) and cannot be placed in the host's tree: " + why
                + "; run Boxscope with --cgroupns=host (and the host's PID namespace), or mount the host's /sys at --sys-root and its /proc at --proc-root");
    }
}
