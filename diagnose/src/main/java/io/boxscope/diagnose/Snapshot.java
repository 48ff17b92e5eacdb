package io.boxscope.diagnose;

import java.util.List;
import java.util.OptionalLong;
import io.boxscope.proc.cgroup.CgroupIo;
import io.boxscope.proc.cgroup.CgroupLimits.CpuThrottling;
import io.boxscope.proc.cgroup.Pressure;

/**
 * Everything read about a target at one instant. Cumulative counters (CPU time, throttling, I/O,
 * pressure totals, faults) only mean something as differences between two snapshots.
 *
 * @param monoNs when it was taken ({@link System#nanoTime()})
 * @param cpuUsageNs the cgroup's CPU time; empty if no hierarchy has it
 * @param memory empty if no hierarchy has the memory controller
 * @param io empty if neither io.stat nor blkio is there
 * @param pressure the cgroup's PSI files where cgroup v2 has them, else the system's
 */
public record Snapshot(long monoNs, OptionalLong cpuUsageNs, CpuThrottling throttling, MemorySample memory,
        java.util.Optional<CgroupIo> io, PressureSet pressure, List<TaskSample> tasks, int processes) {

    public Snapshot {
        tasks = List.copyOf(tasks);
    }

    /** The memory controller's figures, in bytes; {@code limit} 0 means none. */
    public record MemorySample(boolean present, long usage, long limit, long workingSet, long pageCache,
            long majorFaults, long oomKills, boolean oomKillsKnown) {
        public static final MemorySample ABSENT = new MemorySample(false, 0, 0, 0, 0, 0, 0, false);
    }

    /** PSI for cpu, memory and io, and where it came from. */
    public record PressureSet(Pressure cpu, Pressure memory, Pressure io, Scope scope) {
        public static final PressureSet ABSENT = new PressureSet(Pressure.NONE, Pressure.NONE, Pressure.NONE, Scope.NONE);
    }

    /** Whose pressure: the target's own cgroup (v2), the whole system, or none (kernel without PSI). */
    public enum Scope { CGROUP, SYSTEM, NONE }
}
