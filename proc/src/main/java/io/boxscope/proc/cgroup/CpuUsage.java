package io.boxscope.proc.cgroup;

import java.util.OptionalLong;

/**
 * A cgroup's cumulative CPU time in nanoseconds: v2 {@code cpu.stat}'s {@code usage_usec}
 * (cgroup-v2.rst), v1 {@code cpuacct.usage} (cgroup-v1/cpuacct.rst, already nanoseconds).
 */
public final class CpuUsage {
    private CpuUsage() {}

    /** {@code usage_usec} of a v2 {@code cpu.stat}, in ns; empty if the line is absent. */
    public static OptionalLong fromV2CpuStat(String text) {
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 2 && f[0].equals("usage_usec")) {
                return OptionalLong.of(CgroupFiles.number("cpu.stat", f[1]) * 1000);
            }
        }
        return OptionalLong.empty();
    }

    /** v1 {@code cpuacct.usage}. */
    public static long fromCpuacctUsage(String text) {
        return CgroupFiles.number("cpuacct.usage", text.strip());
    }
}
