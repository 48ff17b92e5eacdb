package io.boxscope.trace.live;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.cgroup.CgroupFs;

/**
 * The path of a cgroup v2 id, as the capture's fork and exec records carry it (the kernel's
 * {@code kernfs_node.id} of the task's default-hierarchy cgroup, what {@code bpf_get_current_cgroup_id} returns,
 * bpf-helpers(7)): the directory of the v2 hierarchy whose inode number is the id (kernfs gives a cgroup
 * directory its node's id as inode number, fs/kernfs/inode.c kernfs_init_inode), as {@code /proc/PID/cgroup}'s
 * {@code 0::} line writes it ({@code /} for the root, {@code /docker/ID} below it).
 *
 * <p>Paths are cached; an id not in the cache makes one walk of the hierarchy (a container's cgroup made since the
 * last walk), once per id: an id still missing after its walk (a cgroup removed before the consumer reached the
 * record, a task of a short container) is remembered as unknown and answered null without walking again, so a busy
 * host's removed cgroups cost one walk each, not one per record. The caller counts those misses. The unknown ids
 * kept are bounded ({@link #UNKNOWN_MAX}, the oldest forgotten first and counted: {@link #forgotten}): a host that
 * makes many short-lived cgroups would otherwise grow the set for as long as the capture runs; a forgotten id met
 * again costs one more walk. Directories a walk could not read are counted ({@link #unreadable}).
 */
final class CgroupPaths {
    private final Path root;
    private final Map<Long, String> paths = new HashMap<>();
    /** Ids no directory had at their walk, oldest first. */
    private final java.util.LinkedHashSet<Long> unknown = new java.util.LinkedHashSet<>();
    private long walks;
    private long forgotten;
    private int unreadable;

    /** How many unknown ids are remembered at most: 65,536 (about 4 MiB of boxed longs and set entries). */
    static final int UNKNOWN_MAX = 1 << 16;
    private final int unknownMax;

    /** @param root the v2 hierarchy's mount ({@link CgroupFs#unifiedRoot}: the cgroup root, or unified/ on a hybrid host) */
    CgroupPaths(Path root) {
        this(root, UNKNOWN_MAX);
    }

    /** With at most {@code unknownMax} unknown ids remembered (tests). */
    CgroupPaths(Path root, int unknownMax) {
        this.root = root;
        this.unknownMax = unknownMax;
    }

    /** The path of cgroup {@code id} below the v2 root ({@code /} for the root itself), or null when no directory has it. */
    String path(long id) {
        String p = paths.get(id);
        if (p != null || id == 0 || unknown.contains(id)) {
            return p;
        }
        walk();
        p = paths.get(id);
        if (p == null) {
            if (unknown.size() >= unknownMax) {
                unknown.removeFirst();
                forgotten++;
            }
            unknown.add(id);
        }
        return p;
    }

    /** Unknown ids forgotten to keep the set within its bound (each met again costs one more walk). */
    long forgotten() {
        return forgotten;
    }

    /** Directories of the hierarchy the last walk could not read (their cgroups, and those below, are not named). */
    int unreadable() {
        return unreadable;
    }

    /** How many times the hierarchy was walked (one per id not found in the cache). */
    long walks() {
        return walks;
    }

    /** Maps every cgroup directory's inode to its path below the root. */
    private void walk() {
        walks++;
        try {
            CgroupFs.IdWalk walk = CgroupFs.walkIds(root);
            Map<Long, String> found = walk.ids();
            unreadable = walk.unreadable();
            paths.putAll(found);
            unknown.removeAll(found.keySet());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot walk the cgroup v2 hierarchy " + root
                    + " to name the cgroups of new processes: " + e.getMessage() + "; check that it is readable", e);
        }
    }

    /**
     * {@code cgroups} ({@code controllers=path} entries as {@link io.boxscope.proc.tasks.TaskTable#cgroups} lists them,
     * {@code =path} for the v2 line) with the task's v2 cgroup at {@code path}: unchanged when its v2 entry already
     * says so. Otherwise the v2 entry becomes {@code path} (added when there is none), and so does every v1 entry
     * whose path was the old v2 entry's: a runtime moves a task into its container's cgroup in every hierarchy at once
     * (runc's cgroupfs manager writes the pid to each controller's cgroup.procs), and the entries the table had were
     * the task's before the move (its parent's, or /proc's before an exec). v1 entries that differed from the v2 one
     * are kept: the kernel's id says nothing of them. libs differs: its driver reads each controller's path in the
     * kernel at every clone and execve exit and libsinsp replaces the whole list with them (libs e5c53d64 parsers.cpp
     * parse_clone_exit, threadinfo.cpp set_cgroups clears it first), so its v1 entries are never stale; matching that
     * needs a kernfs name walk per v1 controller in the probe, not done (docs/trace.md).
     */
    static List<String> moved(List<String> cgroups, String path) {
        String old = null;
        for (String e : cgroups) {
            if (e.startsWith("=")) {
                old = e.substring(1);
                break;
            }
        }
        if (path.equals(old)) {
            return cgroups;
        }
        List<String> out = new ArrayList<>(cgroups.size() + 1);
        boolean v2 = false;
        for (String e : cgroups) {
            // controllers=path: a named hierarchy's controllers hold a '=' too (name=systemd), a path starts with '/'
            int eq = e.indexOf("=/");
            eq = eq >= 0 ? eq : e.lastIndexOf('=');
            if (eq == 0) {
                out.add("=" + path);
                v2 = true;
            } else if (eq > 0 && old != null && e.substring(eq + 1).equals(old)) {
                out.add(e.substring(0, eq + 1) + path);
            } else {
                out.add(e);
            }
        }
        if (!v2) {
            out.add("=" + path);
        }
        return out;
    }
}
