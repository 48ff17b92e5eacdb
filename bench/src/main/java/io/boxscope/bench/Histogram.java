package io.boxscope.bench;

/**
 * sysbench's latency histogram: 1024 logarithmic buckets from 0.001 ms to 100000 ms. A latency goes
 * to bucket {@code floor((ln(ms) - ln(min)) * mult + 0.5)} with {@code mult = 1023 / (ln(max) - ln(min))},
 * and a bucket stands for the value {@code exp(i / mult + ln(min))}. Percentiles and the printed
 * histogram therefore use the same rounding as sysbench (so "95th percentile" is a bucket value,
 * slightly above the exact latency), which keeps the figures directly comparable.
 */
public final class Histogram {
    public static final int SIZE = 1024;
    static final double MIN_MS = 0.001;
    static final double MAX_MS = 100_000;
    static final double DEDUCT = Math.log(MIN_MS);
    static final double MULT = (SIZE - 1) / (Math.log(MAX_MS) - DEDUCT);
    /** Latencies below this many nanoseconds fall in bucket 0 without a logarithm. */
    static final long MIN_NS = 1000;

    private final long[] counts;

    public Histogram() {
        this(new long[SIZE]);
    }

    private Histogram(long[] counts) {
        this.counts = counts;
    }

    /** Bucket index of a latency in nanoseconds. */
    public static int bucket(long nanos) {
        if (nanos < MIN_NS) {
            return 0;
        }
        double ms = nanos / 1e6;
        if (ms > MAX_MS) {
            return SIZE - 1;
        }
        int i = (int) Math.floor((Math.log(ms) - DEDUCT) * MULT + 0.5);
        return Math.min(Math.max(i, 0), SIZE - 1);
    }

    /** The latency (ms) bucket {@code i} stands for. */
    public static double value(int i) {
        return Math.exp(i / MULT + DEDUCT);
    }

    public void add(long nanos) {
        counts[bucket(nanos)]++;
    }

    /** Adds every count of {@code raw} (an array of {@link #SIZE} bucket counts). */
    public void addAll(long[] raw) {
        for (int i = 0; i < SIZE; i++) {
            counts[i] += raw[i];
        }
    }

    public long count(int i) {
        return counts[i];
    }

    public long total() {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    /** A copy of the counts. */
    public long[] counts() {
        return counts.clone();
    }

    public static Histogram of(long[] counts) {
        if (counts.length != SIZE) {
            throw new IllegalArgumentException("a histogram has " + SIZE + " buckets, got " + counts.length);
        }
        return new Histogram(counts.clone());
    }

    /**
     * The value (ms) of the bucket holding the given percentile (1..100): the first bucket at which
     * the running count reaches {@code floor(total * p / 100 + 0.5)}; 0 for an empty histogram.
     */
    public double percentile(int p) {
        long total = total();
        if (total == 0) {
            return 0;
        }
        long need = (long) Math.floor(total * (double) p / 100 + 0.5);
        long run = 0;
        for (int i = 0; i < SIZE; i++) {
            run += counts[i];
            if (run >= need && run > 0) {
                return value(i);
            }
        }
        return value(SIZE - 1);
    }
}
