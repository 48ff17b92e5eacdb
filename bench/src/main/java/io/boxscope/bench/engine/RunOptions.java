package io.boxscope.bench.engine;

/**
 * sysbench's general options. {@code timeSeconds} 0 means no time limit, {@code events} 0 no event
 * limit, {@code rate} 0 unlimited, {@code reportInterval} 0 no interval reports, {@code percentile}
 * 0 no percentile. {@code warmupSeconds} runs the workload that long first and discards the figures
 * (sysbench 1.1's --warmup-time; 1.0.20 has no warm-up).
 */
public record RunOptions(int threads, double timeSeconds, long events, double rate, double reportInterval,
        int percentile, boolean histogram, double warmupSeconds) {
    public RunOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (timeSeconds < 0 || events < 0 || rate < 0 || reportInterval < 0 || warmupSeconds < 0) {
            throw new IllegalArgumentException("--time, --events, --rate, --report-interval and --warmup-time cannot be negative");
        }
        if (percentile < 0 || percentile > 100) {
            throw new IllegalArgumentException("--percentile must be between 0 and 100, got " + percentile);
        }
    }

    public static RunOptions defaults() {
        return new RunOptions(1, 10, 0, 0, 0, 95, false, 0);
    }

    public RunOptions withTime(double seconds) {
        return new RunOptions(threads, seconds, events, rate, 0, percentile, false, 0);
    }
}
