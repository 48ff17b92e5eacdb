package io.boxscope.proc.cgroup;

import java.util.OptionalLong;
import io.boxscope.proc.Fields;

/**
 * A cgroup's cumulative CPU time in nanoseconds: v2 {@code cpu.stat}'s {@code usage_usec}
 * (cgroup-v2.rst), v1 {@code cpuacct.usage} (cgroup-v1/cpuacct.rst, already nanoseconds).
 */
public final class CpuUsage {
    private CpuUsage() {}

    /** {@code usage_usec} of a v2 {@code cpu.stat}, in ns; empty if the line is absent. */
    public static OptionalLong fromV2CpuStat(String text) {
        int[] b = new int[4];
        // by hand, not a regex split per line: read on every sample of diagnose (io.boxscope.proc.Fields)
        for (int start = 0; start <= text.length(); ) {
            int end = Fields.lineEnd(text, start);
            if (Fields.split(text, start, end, b) == 2 && Fields.is(text, b[0], b[1], "usage_usec")) {
                return OptionalLong.of(Fields.number("cpu.stat", text, b[2], b[3]) * 1000);
            }
            start = end + 1;
        }
        return OptionalLong.empty();
    }

    /** v1 {@code cpuacct.usage}. */
    public static long fromCpuacctUsage(String text) {
        return CgroupFiles.number("cpuacct.usage", text.strip());
    }
}
