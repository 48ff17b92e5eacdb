package io.boxscope.trace.scap;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * File names for rotated captures, exactly as sysdig 0.29 names them (libsinsp cyclewriter.cpp,
 * cycle_writer::next_file): the index wraps to 0 at {@code -W}; with {@code -G} a base containing
 * {@code %} is passed through strftime at the file's start time, otherwise the index is appended; with
 * {@code -C} the index is appended again, zero-padded to as many digits as {@code -W} has; with
 * {@code -e} the name is base plus index.
 *
 * @param base            the -w argument
 * @param rolloverMb      -C (megabytes of 1,000,000 bytes), 0 when unset
 * @param durationSeconds -G, 0 when unset
 * @param fileLimit       -W, 0 when unset
 * @param eventLimit      -e, 0 when unset
 */
public record RotationNames(String base, int rolloverMb, int durationSeconds, int fileLimit, long eventLimit) {
    /**
     * The name of the file with running number {@code fileNumber} (0 for the first file), started at
     * {@code startEpochSecond}, in {@code zone} (sysdig uses localtime).
     */
    public String name(long fileNumber, long startEpochSecond, ZoneId zone) {
        long index = fileLimit > 0 ? fileNumber % fileLimit : fileNumber;
        String name;
        if (durationSeconds > 0) {
            name = base.contains("%") ? strftime(base, Instant.ofEpochSecond(startEpochSecond).atZone(zone)) : base + index;
        } else {
            name = base;
        }
        if (rolloverMb > 0) {
            int digits = Integer.toString(Math.max(fileLimit, 0)).length();
            String idx = Long.toString(index);
            if (fileLimit > 0) {
                idx = "0".repeat(Math.max(0, digits - idx.length())) + idx;
            }
            name += idx;
        }
        if (eventLimit > 0) {
            name = base + index;
        }
        return name;
    }

    /** Bytes after which -C starts a new file (sysdig compares the uncompressed offset, > not >=). */
    public long rolloverBytes() {
        return rolloverMb * 1_000_000L;
    }

    /** The strftime conversions sysdig users put in -w names; others are kept as they are. */
    static String strftime(String fmt, ZonedDateTime t) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 == fmt.length()) {
                b.append(c);
                continue;
            }
            char k = fmt.charAt(++i);
            switch (k) {
                case 'Y' -> b.append(String.format(Locale.ROOT, "%04d", t.getYear()));
                case 'y' -> b.append(String.format(Locale.ROOT, "%02d", t.getYear() % 100));
                case 'm' -> b.append(String.format(Locale.ROOT, "%02d", t.getMonthValue()));
                case 'd' -> b.append(String.format(Locale.ROOT, "%02d", t.getDayOfMonth()));
                case 'H' -> b.append(String.format(Locale.ROOT, "%02d", t.getHour()));
                case 'M' -> b.append(String.format(Locale.ROOT, "%02d", t.getMinute()));
                case 'S' -> b.append(String.format(Locale.ROOT, "%02d", t.getSecond()));
                case 'j' -> b.append(String.format(Locale.ROOT, "%03d", t.getDayOfYear()));
                case 's' -> b.append(t.toEpochSecond());
                case 'F' -> b.append(String.format(Locale.ROOT, "%04d-%02d-%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth()));
                case 'T' -> b.append(String.format(Locale.ROOT, "%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond()));
                case '%' -> b.append('%');
                default -> b.append('%').append(k);
            }
        }
        return b.toString();
    }
}
