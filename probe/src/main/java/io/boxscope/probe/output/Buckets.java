package io.boxscope.probe.output;

/**
 * Bucket numbers as bpftrace 0.17's generated code computes them; code generation and tests use
 * these to know which bucket an observation lands in.
 */
public final class Buckets {
    /** A hist has 65 buckets: negative, zero, then one per power of two. */
    public static final int HIST_BUCKETS = 65;

    private Buckets() {}

    /**
     * {@code hist()}: 0 for negative values, 1 for zero, else {@code floor(log2(v)) + 2}, with
     * log2 capped at 31 as bpftrace 0.17's generated log2 (five shift steps, 16 down to 1) does:
     * every value from 2^31 up lands in bucket 33, printed {@code [2G, 4G)}.
     */
    public static int hist(long v) {
        if (v < 0) {
            return 0;
        }
        if (v == 0) {
            return 1;
        }
        return Math.min(63 - Long.numberOfLeadingZeros(v), 31) + 2;
    }

    /** {@code lhist()}: 0 below min, {@code inner + 1} at or above max, else {@code (v - min) / step + 1}. */
    public static int lhist(long v, LinearRange range) {
        if (v < range.min()) {
            return 0;
        }
        if (v >= range.max()) {
            return range.inner() + 1;
        }
        return (int) ((v - range.min()) / range.step()) + 1;
    }
}
