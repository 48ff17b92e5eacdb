package io.boxscope.probe.output;

/**
 * How bpftrace 0.17 combines the per-CPU slots of an aggregation map before printing
 * ({@code reduce_value}, {@code max_value} in src/utils.cpp). The output stage takes values
 * already combined; readers of per-CPU maps call these.
 */
public final class PerCpu {
    private PerCpu() {}

    /** count, sum, hist and lhist buckets, avg and stats count/total: the sum, wrapping at 64 bits. */
    public static long sum(long... slots) {
        long s = 0;
        for (long v : slots) {
            s += v;
        }
        return s;
    }

    /** max: the largest slot compared as unsigned, starting from 0 (an untouched CPU holds 0). */
    public static long max(long... slots) {
        long m = 0;
        for (long v : slots) {
            if (Long.compareUnsigned(v, m) > 0) {
                m = v;
            }
        }
        return m;
    }

    /** min: the smallest slot among CPUs that saw a value ({@code seen[i]}), or 0 if none did. */
    public static long min(long[] slots, boolean[] seen) {
        boolean any = false;
        long m = 0;
        for (int i = 0; i < slots.length; i++) {
            if (seen[i] && (!any || slots[i] < m)) {
                m = slots[i];
                any = true;
            }
        }
        return m;
    }
}
