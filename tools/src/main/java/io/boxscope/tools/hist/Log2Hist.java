package io.boxscope.tools.hist;

import java.util.Arrays;

/**
 * A power-of-two histogram as libbpf-tools keep it: slot 0 counts values 0 and 1, slot k (k >= 1)
 * values {@code [2^k, 2^(k+1))}, every value past the last slot lands in the last slot
 * ({@code slot = log2l(v); if (slot >= MAX_SLOTS) slot = MAX_SLOTS - 1;} in biolatency.bpf.c and
 * runqlat.bpf.c). The slot ranges are printed inclusive: {@code 0 -> 1}, {@code 2 -> 3}, ...
 *
 * @param slots the count of each slot (its length is the tool's MAX_SLOTS)
 */
public record Log2Hist(long[] slots) {
    public Log2Hist {
        slots = slots.clone();
        for (long c : slots) {
            if (c < 0) {
                throw new IllegalArgumentException("negative count in histogram: " + Arrays.toString(slots));
            }
        }
    }

    /** The counts (a copy). */
    @Override
    public long[] slots() {
        return slots.clone();
    }

    /** Lowest value of slot {@code i}, as print_log2_hist prints it (slot 0 starts at 0). */
    public static long low(int i) {
        long low = (1L << (i + 1)) >>> 1;
        return low == high(i) ? low - 1 : low;
    }

    /** Highest value of slot {@code i}, inclusive. */
    public static long high(int i) {
        return (1L << (i + 1)) - 1;
    }

    /** Total of every slot. */
    public long total() {
        long t = 0;
        for (long c : slots) {
            t += c;
        }
        return t;
    }

    /**
     * libbpf-tools' slots from the buckets of the probe language's {@code hist()} (bpftrace 0.17's:
     * bucket 0 negative values, 1 zero, {@code b >= 2} values {@code [2^(b-2), 2^(b-1))}). Zero and one
     * share libbpf's slot 0, bucket {@code b >= 3} is slot {@code b - 2}, slots past {@code maxSlots - 1}
     * fold into the last as libbpf's programs fold them. Negative values, which libbpf's programs skip
     * ({@code if (delta < 0) goto cleanup}), are left out; the tools' scripts never produce them.
     */
    public static Log2Hist fromProbeBuckets(long[] buckets, int maxSlots) {
        if (maxSlots < 1) {
            throw new IllegalArgumentException("maxSlots " + maxSlots);
        }
        long[] slots = new long[maxSlots];
        for (int b = 1; b < buckets.length; b++) {
            int slot = b <= 2 ? 0 : Math.min(b - 2, maxSlots - 1);
            slots[slot] += buckets[b];
        }
        return new Log2Hist(slots);
    }

    /** This histogram plus {@code other} slot by slot (same number of slots). */
    public Log2Hist plus(Log2Hist other) {
        if (other.slots.length != slots.length) {
            throw new IllegalArgumentException("histograms of " + slots.length + " and " + other.slots.length + " slots");
        }
        long[] sum = slots.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.slots[i];
        }
        return new Log2Hist(sum);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Log2Hist h && Arrays.equals(slots, h.slots);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(slots);
    }

    @Override
    public String toString() {
        return "Log2Hist" + Arrays.toString(slots);
    }
}
