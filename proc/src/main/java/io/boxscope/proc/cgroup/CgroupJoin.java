package io.boxscope.proc.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.boxscope.proc.HostPaths;

/**
 * Moves the calling process into every cgroup of another process: each v1 hierarchy (found by its
 * first controller's mount) and the v2 cgroup, by writing its PID to {@code cgroup.procs}
 * (cgroups(7)). This is how `docker exec` places a process in a container's limits, without
 * entering its namespaces: a benchmark run this way is charged and throttled as the container is.
 */
public final class CgroupJoin {
    private CgroupJoin() {}

    /**
     * Joins the cgroups of {@code pid}. A hierarchy that cannot be joined is an error, since figures
     * measured outside it would not be the container's; permission problems are an
     * {@link AccessDeniedException} (run as root).
     */
    public static void joinCgroupsOf(int pid, HostPaths paths) throws IOException {
        String text;
        try {
            text = new String(Files.readAllBytes(paths.pidFile(pid, "cgroup")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read the cgroups of PID " + pid + " (" + e.getMessage() + "): did the container stop?", e);
        }
        CgroupFs fs = new CgroupFs(paths);
        CgroupMembership m = fs.hostView(CgroupMembership.parse(text));
        String self = Long.toString(ProcessHandle.current().pid());
        List<String> failed = new ArrayList<>();
        for (CgroupEntry e : m.entries()) {
            Optional<Path> dir;
            if (e.isUnified()) {
                dir = fs.unifiedDir(m);
            } else if (e.controllers().isEmpty()) {
                continue;
            } else {
                dir = fs.v1Root(e.controllers().get(0)).map(root -> CgroupFs.under(root, e.path()));
            }
            if (dir.isEmpty()) {
                continue; // hierarchy not mounted here
            }
            Path procs = dir.get().resolve("cgroup.procs");
            try {
                Files.writeString(procs, self);
            } catch (AccessDeniedException ex) {
                throw new AccessDeniedException(procs.toString(), null, "cannot join the container's cgroup");
            } catch (IOException ex) {
                failed.add(procs + ": " + ex.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            throw new IOException("could not join the container's cgroups: " + String.join("; ", failed));
        }
    }
}
