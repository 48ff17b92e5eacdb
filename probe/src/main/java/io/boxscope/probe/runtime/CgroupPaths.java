package io.boxscope.probe.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import io.boxscope.bpf.tracefs.Glob;

/**
 * {@code cgroup_path(id [, filter])} as bpftrace 0.17 prints it: for every cgroup hierarchy mounted here (from
 * /proc/self/mounts: the cgroup2 one named {@code unified}, each v1 one by its controllers or {@code name=}), the
 * directory whose inode number is {@code id}, as {@code hierarchy:/path/in/it}; hierarchies without such a
 * directory are left out, and the entries are joined with commas, {@code unified} first, then the v1 ones by name
 * (checked against bpftrace 0.17 on a hybrid v1/v2 machine). {@code filter} (a wildcard) keeps the hierarchies
 * whose name matches. Results are cached per (id, filter): each needs a walk of the cgroup trees.
 */
final class CgroupPaths {
    private static final List<String> MOUNT_OPTIONS = List.of("rw", "ro", "nosuid", "nodev", "noexec", "relatime",
            "noatime", "nodiratime", "strictatime", "lazytime", "sync", "dirsync", "mand", "seclabel");
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private CgroupPaths() {}

    static String describe(long id, String filter) {
        return CACHE.computeIfAbsent(id + "\0" + filter, k -> compute(id, filter));
    }

    private static String compute(long id, String filter) {
        Map<String, Path> hierarchies = hierarchies(Path.of("/proc/self/mounts"));
        Glob glob = filter == null ? null : Glob.of(filter);
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Path> h : hierarchies.entrySet()) {
            if (glob != null && !glob.matches(h.getKey())) {
                continue;
            }
            String found = find(h.getValue(), id);
            if (found != null) {
                out.add(h.getKey() + ":" + found);
            }
        }
        return String.join(",", out);
    }

    /** Hierarchy name → mount point: {@code unified} first, then the v1 hierarchies by name. */
    static Map<String, Path> hierarchies(Path mounts) {
        Map<String, Path> v1 = new TreeMap<>();
        Map<String, Path> out = new java.util.LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(mounts);
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 4) {
                continue;
            }
            Path at = Path.of(f[1].replace("\\040", " "));
            if (f[2].equals("cgroup2")) {
                out.putIfAbsent("unified", at);
            } else if (f[2].equals("cgroup")) {
                List<String> names = new ArrayList<>();
                for (String o : f[3].split(",")) {
                    if (o.startsWith("name=")) {
                        names.add(o.substring(5));
                    } else if (!MOUNT_OPTIONS.contains(o) && !o.contains("=")) {
                        names.add(o);
                    }
                }
                if (!names.isEmpty()) {
                    v1.putIfAbsent(String.join(",", names), at);
                }
            }
        }
        out.putAll(v1);
        return out;
    }

    /** The path, relative to {@code root} and starting with {@code /}, of the directory with inode {@code id}. */
    private static String find(Path root, long id) {
        try (Stream<Path> dirs = Files.walk(root)) {
            return dirs.filter(Files::isDirectory).filter(d -> inode(d) == id).findFirst()
                    .map(d -> "/" + root.relativize(d).toString()).orElse(null);
        } catch (IOException | java.io.UncheckedIOException e) {
            return null; // a cgroup removed during the walk, an unreadable tree: not found in that hierarchy
        }
    }

    private static long inode(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }
}
