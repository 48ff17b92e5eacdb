package io.boxscope.bench.engine;

/**
 * One intermediate report (sysbench's --report-interval): the figures of the last
 * {@code intervalSeconds}, at {@code elapsedSeconds} since the start. {@code counters} are the
 * workload's counter increments in the interval; {@code queueLength} and {@code concurrency} are
 * only meaningful with --rate.
 */
public record Interval(double elapsedSeconds, double intervalSeconds, int threads, long events,
        double latencyPercentileMs, long[] counters, int queueLength, int concurrency) {
    public double eventsPerSecond() {
        return intervalSeconds <= 0 ? 0 : events / intervalSeconds;
    }
}
