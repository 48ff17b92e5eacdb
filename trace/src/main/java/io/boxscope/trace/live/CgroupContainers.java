package io.boxscope.trace.live;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.ContainerRecognizer;
import io.boxscope.proc.container.ContainerRef;

/**
 * The container name of a v2 cgroup id, as the event stream gives {@code container.name} for a thread in that
 * cgroup: the cgroup's path (found by walking the v2 hierarchy for the directory whose inode is the id, which
 * is what {@code bpf_get_current_cgroup_id} returns, bpf-helpers(7)) recognised by {@link ContainerRecognizer},
 * "host" outside containers, else the runtime's name through {@link ContainerNames}, waiting for its scan
 * ({@link ContainerNames#applyWaiting}): the counts wait in the kernel's map meanwhile, nothing is lost, and a
 * container's first second is named rather than counted as unnamed. The walk is repeated for
 * an id not seen yet, at most once a second; a cgroup removed before that (a container that lived less than a
 * second) is not found and has no name, as a container the runtimes no longer know has none on the stream.
 */
final class CgroupContainers {
    private static final long RESCAN_NS = 1_000_000_000L;
    private final Path root;
    private final ContainerNames names;
    private final Map<Long, String> paths = new HashMap<>();
    private long lastWalk = Long.MIN_VALUE;

    /** @param root the v2 hierarchy's mount ({@link CgroupFs#unifiedRoot}) */
    CgroupContainers(HostPaths hostPaths, Path root) {
        this.root = root;
        this.names = new ContainerNames(hostPaths);
    }

    /** The container.name of threads in cgroup {@code id}: "host", a container's name, or null when unknown. */
    String name(long id) throws InterruptedException {
        String path = paths.get(id);
        long now = System.nanoTime();
        if (path == null && (lastWalk == Long.MIN_VALUE || now - lastWalk > RESCAN_NS)) {
            lastWalk = now;
            walk();
            path = paths.get(id);
        }
        if (path == null) {
            return null;
        }
        ContainerRef ref = ContainerRecognizer.recognize(path);
        if (ref.isHost()) {
            return "host";
        }
        ContainerInfo c = names.applyWaiting(ref);
        return c == null ? null : c.name();
    }

    /** The runtimes' lookups that found no name so far, and why. */
    ContainerNames.Misses misses() {
        return names.misses();
    }

    /** Maps every cgroup directory's inode to its path below the root ("/" for the root). */
    private void walk() {
        try {
            Map<Long, String> found = CgroupFs.cgroupIds(root);
            paths.putAll(found);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot walk the cgroup v2 hierarchy " + root
                    + " to name the containers of the counted cgroup ids: " + e.getMessage()
                    + "; check that it is readable or run the chisel on the stream", e);
        }
    }
}
