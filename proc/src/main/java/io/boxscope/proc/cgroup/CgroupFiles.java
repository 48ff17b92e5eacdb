package io.boxscope.proc.cgroup;

import java.util.OptionalDouble;
import java.util.OptionalLong;
import io.boxscope.proc.Fields;
import io.boxscope.proc.ProcParseException;
import io.boxscope.proc.cgroup.CgroupLimits.CpuThrottling;

/**
 * Pure parsers for the cgroup interface files (Documentation/admin-guide/cgroup-v2.rst,
 * Documentation/admin-guide/cgroup-v1/*.rst). Each takes the file's text.
 */
public final class CgroupFiles {
    /** v1 reports "no memory limit" as a page-rounded LONG_MAX; anything this large is unlimited. */
    static final long V1_UNLIMITED_THRESHOLD = 1L << 62;

    private CgroupFiles() {}

    /** v2 {@code cpu.max}: "max 100000" or "50000 100000" → CPUs (quota / period). */
    public static OptionalDouble cpuMax(String text) {
        String[] f = text.strip().split("\\s+");
        if (f.length < 1 || f[0].equals("max")) {
            return OptionalDouble.empty();
        }
        long quota = number("cpu.max", f[0]);
        long period = f.length > 1 ? number("cpu.max", f[1]) : 100_000;
        return OptionalDouble.of((double) quota / period);
    }

    public static long cpuMaxPeriod(String text) {
        String[] f = text.strip().split("\\s+");
        return f.length > 1 ? number("cpu.max", f[1]) : 100_000;
    }

    /** v1 {@code cpu.cfs_quota_us} and {@code cpu.cfs_period_us}: quota -1 is unlimited. */
    public static OptionalDouble cfsQuota(String quotaText, String periodText) {
        long quota = number("cpu.cfs_quota_us", quotaText.strip());
        long period = number("cpu.cfs_period_us", periodText.strip());
        return quota < 0 || period <= 0 ? OptionalDouble.empty() : OptionalDouble.of((double) quota / period);
    }

    /** A single number, or "max" (v2) for unlimited; v1's near-LONG_MAX also means unlimited. */
    public static OptionalLong limit(String file, String text) {
        String t = text.strip();
        if (t.equals("max")) {
            return OptionalLong.empty();
        }
        long v = number(file, t);
        return v >= V1_UNLIMITED_THRESHOLD ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** {@code cpu.stat}: v1 nr_periods/nr_throttled/throttled_time (ns), v2 .../throttled_usec. */
    public static CpuThrottling cpuStat(String text) {
        long periods = 0;
        long throttled = 0;
        long nanos = 0;
        int[] b = new int[4];
        // by hand, not line.strip().split("\\s+"): read on every sample of diagnose (io.boxscope.proc.Fields)
        for (int start = 0; start <= text.length(); ) {
            int end = Fields.lineEnd(text, start);
            if (Fields.split(text, start, end, b) == 2) {
                if (Fields.is(text, b[0], b[1], "nr_periods")) {
                    periods = Fields.number("cpu.stat", text, b[2], b[3]);
                } else if (Fields.is(text, b[0], b[1], "nr_throttled")) {
                    throttled = Fields.number("cpu.stat", text, b[2], b[3]);
                } else if (Fields.is(text, b[0], b[1], "throttled_time")) {
                    nanos = Fields.number("cpu.stat", text, b[2], b[3]);
                } else if (Fields.is(text, b[0], b[1], "throttled_usec")) {
                    nanos = Fields.number("cpu.stat", text, b[2], b[3]) * 1000;
                } // usage_usec, nr_bursts, ...: not needed here
            }
            start = end + 1;
        }
        return new CpuThrottling(periods, throttled, nanos);
    }

    static long number(String file, String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ProcParseException(file, "not a number: '" + s + "'");
        }
    }
}
