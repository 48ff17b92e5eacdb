package io.boxscope.bench.engine;

import java.util.List;
import io.boxscope.bench.Histogram;

/**
 * The figures of one measured run, as sysbench reports them: total time, per-thread events and
 * execution time (for "Threads fairness"), latency min/avg/max/sum and the histogram (for the
 * percentile), the intervals reported on the way and the workload's final counters.
 */
public record RunResult(String test, RunOptions options, long totalNanos, long[] threadEvents,
        long[] threadNanos, long minNanos, long maxNanos, Histogram histogram, List<Interval> intervals,
        String[] counterNames, long[] counters) {

    public long events() {
        long e = 0;
        for (long x : threadEvents) {
            e += x;
        }
        return e;
    }

    public double seconds() {
        return totalNanos / 1e9;
    }

    public double eventsPerSecond() {
        return seconds() <= 0 ? 0 : events() / seconds();
    }

    public double latencySumMs() {
        long s = 0;
        for (long x : threadNanos) {
            s += x;
        }
        return s / 1e6;
    }

    public double latencyAvgMs() {
        long e = events();
        return e == 0 ? 0 : latencySumMs() / e;
    }

    public double latencyMinMs() {
        return events() == 0 ? 0 : minNanos / 1e6;
    }

    public double latencyMaxMs() {
        return maxNanos / 1e6;
    }

    /** The configured percentile's bucket value in ms; 0 when the percentile is disabled. */
    public double latencyPercentileMs() {
        return options.percentile() == 0 ? 0 : histogram.percentile(options.percentile());
    }

    public long counter(String name) {
        for (int i = 0; i < counterNames.length; i++) {
            if (counterNames[i].equals(name)) {
                return counters[i];
            }
        }
        throw new IllegalArgumentException("no counter " + name + " in " + test);
    }

    /** Mean and population standard deviation (as sysbench's "avg/stddev") of per-thread values. */
    public static double[] meanStddev(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x;
        }
        m /= v.length;
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return new double[] {m, Math.sqrt(s / v.length)};
    }
}
