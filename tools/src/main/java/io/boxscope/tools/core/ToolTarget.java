package io.boxscope.tools.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.NoSuchProcessException;
import io.boxscope.proc.Procfs;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;

/**
 * What a tool traces: one process ({@code -p PID}, filtered in the kernel by the script), the
 * processes of one container ({@code --container NAME|ID}: its cgroup v2 directory, descendants
 * included, checked in the kernel with {@code bpf_current_task_under_cgroup}), both, or everything.
 *
 * @param pid           process id (thread group id) or null
 * @param cgroupDir     cgroup v2 directory or null
 * @param containerName the container's display name when {@code cgroupDir} came from one, else null
 */
public record ToolTarget(Integer pid, Path cgroupDir, String containerName) {
    public static final ToolTarget ALL = new ToolTarget(null, null, null);

    public ToolTarget {
        if (pid != null && pid <= 0) {
            throw new IllegalArgumentException("invalid PID " + pid);
        }
    }

    /**
     * Checks the PID exists and finds the container's cgroup v2 directory.
     *
     * @throws NoSuchProcessException                                the PID is not running
     * @throws io.boxscope.proc.container.UnknownContainerException no container has that name or id
     * @throws IllegalArgumentException                              the container has no cgroup v2 directory
     */
    public static ToolTarget resolve(HostPaths paths, Integer pid, String container) throws IOException {
        if (pid != null && pid <= 0) {
            throw new IllegalArgumentException("invalid PID " + pid);
        }
        if (pid != null && !new Procfs(paths).exists(pid)) {
            throw new NoSuchProcessException(pid, paths.procRoot().toString());
        }
        if (container == null) {
            return new ToolTarget(pid, null, null);
        }
        ContainerInfo c = ContainerDiscovery.of(paths).locate(container);
        Path dir = new CgroupFs(paths).unifiedDir(c.cgroups()).orElseThrow(() -> new IllegalArgumentException(
                "container " + c.displayName() + " has no cgroup v2 directory; the tools filter containers on cgroup v2"));
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("the cgroup directory " + dir + " of container " + c.displayName()
                    + " does not exist (did it just stop?)");
        }
        return new ToolTarget(pid, dir, c.displayName());
    }

    /** The PID as the scripts' parameter: 0 for every process. */
    public String pidParam() {
        return pid == null ? "0" : Integer.toString(pid);
    }
}
