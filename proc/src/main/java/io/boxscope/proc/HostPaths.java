package io.boxscope.proc;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the host's /proc and /sys are. Every reader resolves its paths against these, so Boxscope
 * works from inside a privileged container that mounts the host's trees elsewhere
 * ({@code --proc-root /host/proc --sys-root /host/sys}).
 */
public record HostPaths(Path procRoot, Path sysRoot) {
    public static final HostPaths DEFAULT = new HostPaths(Path.of("/proc"), Path.of("/sys"));

    public HostPaths {
        Objects.requireNonNull(procRoot, "procRoot");
        Objects.requireNonNull(sysRoot, "sysRoot");
    }

    /** {@code <proc-root>/<pid>/<file>}. */
    public Path pidFile(int pid, String file) {
        return procRoot.resolve(Integer.toString(pid)).resolve(file);
    }

    /** {@code <sys-root>/fs/cgroup}. */
    public Path cgroupRoot() {
        return sysRoot.resolve("fs").resolve("cgroup");
    }
}
