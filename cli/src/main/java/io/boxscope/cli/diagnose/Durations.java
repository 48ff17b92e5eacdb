package io.boxscope.cli.diagnose;

import java.time.Duration;
import io.boxscope.cli.UsageException;

/** Parses the durations users type: {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, or plain seconds. */
final class Durations {
    private Durations() {}

    static Duration parse(String option, String text) {
        String t = text.strip();
        String unit = t.replaceFirst("^[0-9.]+", "");
        String num = t.substring(0, t.length() - unit.length());
        double v;
        try {
            v = Double.parseDouble(num);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " takes a time such as 10s, 500ms or 2m, not '" + text + "'");
        }
        double nanos = switch (unit) {
            case "", "s" -> v * 1e9;
            case "ms" -> v * 1e6;
            case "us" -> v * 1e3;
            case "m" -> v * 60e9;
            case "h" -> v * 3600e9;
            default -> throw new UsageException(option + ": unknown unit '" + unit + "' in '" + text + "' (use ms, s, m or h)");
        };
        if (!(nanos > 0) || nanos > 1e15) {
            throw new UsageException(option + " must be longer than zero, not '" + text + "'");
        }
        return Duration.ofNanos((long) nanos);
    }
}
