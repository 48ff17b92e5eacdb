package io.boxscope.probe.output;

import java.util.Objects;

/**
 * The value of one map entry, as read back from the kernel with the per-CPU slots already
 * combined by the caller (see {@link PerCpu}): the output stage never sees CPUs. Hist and lhist
 * buckets are indexed as bpftrace's kernel programs index them ({@link Buckets}).
 */
public sealed interface MapValue {

    /** {@code @x = expr}: any {@link Value}. */
    record Plain(Value value) implements MapValue {
        public Plain {
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code count()}: unsigned 64-bit. */
    record Count(long count) implements MapValue {}

    /** {@code sum(x)}: 64-bit, signed when x is. */
    record Sum(long sum, boolean signed) implements MapValue {}

    /** {@code min(x)}: signed 64-bit. */
    record Min(long min) implements MapValue {}

    /** {@code max(x)}: printed and sorted as unsigned 64-bit, as bpftrace 0.17 does. */
    record Max(long max) implements MapValue {}

    /** {@code avg(x)}: count and total; the average is {@code total / count} (C division). */
    record Avg(long count, long total) implements MapValue {}

    /** {@code stats(x)}: count and total. */
    record Stats(long count, long total) implements MapValue {}

    /** {@code hist(x)}: up to 65 log2 buckets (index 0 negative, 1 zero, i &gt;= 2 [2^(i-2), 2^(i-1))). */
    record Hist(long[] buckets) implements MapValue {
        public Hist {
            if (buckets.length > Buckets.HIST_BUCKETS) {
                throw new IllegalArgumentException("hist has at most " + Buckets.HIST_BUCKETS + " buckets, not " + buckets.length);
            }
            buckets = buckets.clone();
        }

        @Override
        public long[] buckets() {
            return buckets.clone();
        }
    }

    /** {@code lhist(x, min, max, step)}: bucket 0 below min, then one per step, then one at or above max. */
    record Lhist(long[] buckets) implements MapValue {
        public Lhist {
            buckets = buckets.clone();
        }

        @Override
        public long[] buckets() {
            return buckets.clone();
        }
    }
}
