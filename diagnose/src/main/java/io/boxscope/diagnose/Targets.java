package io.boxscope.diagnose;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.Procfs;
import io.boxscope.proc.cgroup.CgroupEntry;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.cgroup.CgroupMembership;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.Discovery;

/**
 * Resolves what the user typed into a {@link Target}: a number is a PID, a string starting with
 * {@code /} is a cgroup path (relative to the cgroup root, as {@code /proc/PID/cgroup} prints it,
 * e.g. {@code /docker/<id>} or {@code /system.slice/nginx.service}), anything else a container name
 * or id (prefix) as {@code docker} accepts it.
 *
 * <p>A spec that is wrong whatever the host holds is an {@link IllegalArgumentException}; a well-formed one naming
 * what is not there is a {@link NoSuchTargetException} (a cgroup), the proc module's {@code NoSuchProcessException}
 * (a PID) or {@code UnknownContainerException} (a container).
 */
public final class Targets {
    private Targets() {}

    public static Target resolve(String spec, HostPaths paths, ContainerDiscovery discovery) throws IOException {
        return resolve(spec, paths, discovery, d -> { });
    }

    /**
     * As {@link #resolve(String, HostPaths, ContainerDiscovery)}; a container's name is found in a scan of every
     * process ({@link ContainerDiscovery#scan}), which is handed to {@code scanned} (not called for a PID or a cgroup
     * path): diagnose watches the containers around the target in that scan ({@link Neighbours.Watch#start(HostPaths,
     * Target, Optional)}) instead of making a second one a few milliseconds later (issue 15: ~40-50 ms of its CPU,
     * which a target keeping every CPU busy loses; docs/benchmarks.md, "diagnose: one container scan").
     */
    public static Target resolve(String spec, HostPaths paths, ContainerDiscovery discovery,
            java.util.function.Consumer<Discovery> scanned) throws IOException {
        if (!spec.isEmpty() && spec.chars().allMatch(Character::isDigit)) {
            int pid;
            try {
                pid = Integer.parseInt(spec);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + spec + "' is not a PID (too large)");
            }
            Procfs procfs = new Procfs(paths);
            io.boxscope.proc.ProcStat st = procfs.stat(pid);
            CgroupMembership m = CgroupMembership.parse(procfs.read(pid, "cgroup"));
            return new Target(Target.Kind.PROCESS, "pid " + pid + " (" + st.comm() + ")", Optional.empty(), m, OptionalInt.of(pid),
                    java.util.OptionalLong.of(st.startTimeTicks()));
        }
        if (spec.startsWith("/")) {
            if (spec.contains("/../") || spec.endsWith("/..")) {
                throw new IllegalArgumentException("cgroup path '" + spec + "' may not contain '..'");
            }
            // The same path in every hierarchy: v2, and each v1 controller (on hybrid hosts runtimes
            // create the same path under each).
            CgroupMembership m = new CgroupMembership(List.of(new CgroupEntry(0, List.of(), spec),
                    new CgroupEntry(1, List.of("cpu", "cpuacct", "memory", "blkio", "pids", "cpuset"), spec)));
            CgroupFs fs = new CgroupFs(paths);
            boolean exists = fs.unifiedDir(m).filter(java.nio.file.Files::isDirectory).isPresent();
            for (String c : List.of("cpu", "cpuacct", "memory")) {
                exists |= fs.v1Dir(m, c).filter(java.nio.file.Files::isDirectory).isPresent();
            }
            if (!exists) {
                throw new NoSuchTargetException("no cgroup " + spec + " under " + paths.cgroupRoot()
                        + " (neither in the v2 tree nor in a v1 hierarchy): give the path as /proc/PID/cgroup prints it");
            }
            return new Target(Target.Kind.CGROUP, spec, Optional.empty(), m, OptionalInt.empty());
        }
        Discovery all = discovery.scan();
        ContainerInfo c = discovery.locate(all, spec);
        scanned.accept(all);
        return new Target(Target.Kind.CONTAINER, c.displayName(), Optional.of(c), c.cgroups(), OptionalInt.empty());
    }
}
