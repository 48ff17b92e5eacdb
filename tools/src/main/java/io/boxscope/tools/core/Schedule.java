package io.boxscope.tools.core;

import java.time.Duration;

/**
 * When a tool stops and when an interval tool reports: libbpf-tools' {@code -d}/{@code --duration}
 * and {@code [interval [count]]}. Null fields mean "not set": run until Ctrl-C, no interval.
 *
 * @param duration total tracing time, or null
 * @param interval time between reports, or null
 * @param count    reports before the tool ends (0: unlimited); only with an interval
 */
public record Schedule(Duration duration, Duration interval, long count) {
    public static final Schedule UNTIL_STOPPED = new Schedule(null, null, 0);

    public Schedule {
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("the duration must be positive, not " + duration);
        }
        if (interval != null && (interval.isNegative() || interval.isZero())) {
            throw new IllegalArgumentException("the interval must be positive, not " + interval);
        }
        if (count < 0) {
            throw new IllegalArgumentException("the count must not be negative, not " + count);
        }
        if (count > 0 && interval == null) {
            throw new IllegalArgumentException("a count needs an interval");
        }
    }

    /** Only a duration (null: until stopped). */
    public static Schedule duration(Duration d) {
        return new Schedule(d, null, 0);
    }
}
