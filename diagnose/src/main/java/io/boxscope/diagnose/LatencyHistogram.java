package io.boxscope.diagnose;

/**
 * A log2 histogram as the kernel side keeps it ({@code hist()}, bpftrace's buckets: index 0
 * negative, 1 zero, i &gt;= 2 the values in [2^(i-2), 2^(i-1))), in microseconds. Percentiles are
 * the upper bound of the bucket that holds them: a histogram cannot say more, and an upper bound
 * never understates a latency.
 */
public record LatencyHistogram(long[] buckets) {
    public LatencyHistogram {
        buckets = buckets.clone();
    }

    @Override
    public long[] buckets() {
        return buckets.clone();
    }

    public long count() {
        long n = 0;
        for (long b : buckets) {
            n += b;
        }
        return n;
    }

    /** Lower bound (inclusive) of bucket {@code i} in microseconds. */
    public static long low(int i) {
        return i <= 1 ? 0 : 1L << (i - 2);
    }

    /** Upper bound (exclusive) of bucket {@code i} in microseconds; bucket 1 holds exactly 0. */
    public static long high(int i) {
        return i <= 1 ? 1 : 1L << (i - 1);
    }

    /** The upper bound of the bucket holding quantile {@code q} (0..1), in microseconds; 0 when empty. */
    public long percentileUs(double q) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= rank && buckets[i] > 0) {
                return high(i);
            }
        }
        return high(buckets.length - 1);
    }

    /** The first and last non-empty bucket, {@code {-1, -1}} when empty: the rows a chart shows. */
    public int[] span() {
        int first = -1;
        int last = -1;
        for (int i = 0; i < buckets.length; i++) {
            if (buckets[i] > 0) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        return new int[] {first, last};
    }
}
