package io.boxscope.proc.cgroup;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A cgroup's limits and usage, from whichever of cgroup v2 or v1 carries each controller.
 * Empty means "no limit" for limits, and "not available" for usage. {@code problems} names the
 * files that exist but could not be read or parsed: reported, never thrown.
 */
public record CgroupLimits(
        OptionalDouble cpus, long cpuPeriodUs, String cpuset, OptionalLong cpuShares, OptionalLong cpuWeight,
        OptionalLong memoryLimitBytes, OptionalLong memoryUsageBytes,
        OptionalLong pidsLimit, OptionalLong pidsCurrent,
        CpuThrottling throttling, CgroupVersion cpuFrom, CgroupVersion memoryFrom, List<String> problems) {

    public CgroupLimits {
        problems = List.copyOf(problems);
    }

    /** Which hierarchy a figure came from. */
    public enum CgroupVersion { V1, V2, NONE }

    /** cpu.stat's throttling counters; nanoseconds on both versions (v2's usec is converted). */
    public record CpuThrottling(long periods, long throttledPeriods, long throttledNanos) {
        public static final CpuThrottling NONE = new CpuThrottling(0, 0, 0);

        /** Share of enforcement periods in which the cgroup was throttled, 0..1. */
        public double throttledShare() {
            return periods == 0 ? 0 : (double) throttledPeriods / periods;
        }
    }
}
