package io.boxscope.diagnose;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import io.boxscope.proc.cgroup.CgroupMembership;
import io.boxscope.proc.container.ContainerInfo;

/**
 * What is being diagnosed: a container, one process, or a cgroup given by its path. The cgroup
 * figures (CPU time, throttling, memory, block I/O, pressure) come from {@code cgroups}; the task
 * figures (thread states, run-queue waits) from the processes in the cgroup, or from the one process
 * of a PID target.
 *
 * @param label how the target is named in output: the container's name, {@code pid 42 (nginx)}, or the path
 * @param pid set for a PID target: only that process's threads are sampled
 * @param startTicks for a PID target, the process's start time when it was named ({@code /proc/PID/stat}
 *        field 22, clock ticks since boot, proc(5)): a PID the kernel hands to a new process once the
 *        target exited has another start time, so the sampler treats it as the target having exited
 */
public record Target(Kind kind, String label, Optional<ContainerInfo> container, CgroupMembership cgroups,
        OptionalInt pid, OptionalLong startTicks) {

    /** A target whose process's start time is not known (containers, cgroups; tests). */
    public Target(Kind kind, String label, Optional<ContainerInfo> container, CgroupMembership cgroups, OptionalInt pid) {
        this(kind, label, container, cgroups, pid, OptionalLong.empty());
    }

    /** The three ways a user names a target. */
    public enum Kind { CONTAINER, PROCESS, CGROUP }

    /** The string a user passes to other boxscope commands to mean this target (for "next steps"). */
    public String commandArgument() {
        return switch (kind) {
            case CONTAINER -> "--container " + container.map(ContainerInfo::displayName).orElse(label);
            case PROCESS -> "--pid " + pid.orElse(0);
            case CGROUP -> label;
        };
    }
}
