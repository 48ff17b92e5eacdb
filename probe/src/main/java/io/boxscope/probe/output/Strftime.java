package io.boxscope.probe.output;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * C's {@code strftime} in the C locale, for {@code time(FMT)} and {@code strftime(FMT, nsecs)}.
 * bpftrace formats into a 64-byte buffer ({@code STRING_SIZE}): a longer result is an error
 * there ({@code strftime returned 0}), here {@code null}. {@link #strftime} first replaces every
 * {@code %f} by the microseconds, as bpftrace 0.17's {@code resolve_timestamp} does (and returns
 * {@code (?)} where bpftrace would).
 */
public final class Strftime {
    /** bpftrace's buffer: the result and its NUL must fit in 64 bytes. */
    static final int BUFFER = 64;

    /** {@code time()} without an argument. */
    public static final String DEFAULT_TIME_FORMAT = "%H:%M:%S\n";

    private Strftime() {}

    /** {@code time(fmt)}: the text, or null when it does not fit bpftrace's buffer (nothing printed). */
    public static String time(String format, ZonedDateTime t) {
        String s = format(format, t);
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= BUFFER ? null : s;
    }

    /** {@code strftime(fmt, nsecs)} resolved at {@code t}: {@code %f} is the microseconds; {@code (?)} if too long. */
    public static String strftime(String format, ZonedDateTime t) {
        String us = String.format(Locale.ROOT, "%06d", t.getNano() / 1000);
        String s = format(format.replace("%f", us), t);
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= BUFFER ? "(?)" : s;
    }

    /** Plain C strftime; unknown conversions are copied as written (glibc does the same). */
    public static String format(String format, ZonedDateTime t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                sb.append(c);
                continue;
            }
            char k = format.charAt(++i);
            String v = conversion(k, t);
            sb.append(v != null ? v : "%" + k);
        }
        return sb.toString();
    }

    /** The zone's abbreviation (CET, CEST); a bare UTC offset of zero is "UTC", as glibc names it. */
    private static String zoneName(ZonedDateTime t) {
        String z = DateTimeFormatter.ofPattern("z", Locale.US).format(t);
        return z.equals("Z") ? "UTC" : z;
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    private static String conversion(char k, ZonedDateTime t) {
        int hour12 = t.getHour() % 12 == 0 ? 12 : t.getHour() % 12;
        return switch (k) {
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.US);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.US);
            case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.US);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.US);
            case 'c' -> format("%a %b %e %H:%M:%S %Y", t);
            case 'C' -> two(t.getYear() / 100);
            case 'd' -> two(t.getDayOfMonth());
            case 'D' -> format("%m/%d/%y", t);
            case 'e' -> (t.getDayOfMonth() < 10 ? " " : "") + t.getDayOfMonth();
            case 'F' -> format("%Y-%m-%d", t);
            case 'g' -> two(t.get(IsoFields.WEEK_BASED_YEAR) % 100);
            case 'G' -> Integer.toString(t.get(IsoFields.WEEK_BASED_YEAR));
            case 'H' -> two(t.getHour());
            case 'I' -> two(hour12);
            case 'j' -> String.format(Locale.ROOT, "%03d", t.getDayOfYear());
            case 'k' -> String.format(Locale.ROOT, "%2d", t.getHour());
            case 'l' -> String.format(Locale.ROOT, "%2d", hour12);
            case 'm' -> two(t.getMonthValue());
            case 'M' -> two(t.getMinute());
            case 'n' -> "\n";
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'P' -> t.getHour() < 12 ? "am" : "pm";
            case 'r' -> format("%I:%M:%S %p", t);
            case 'R' -> format("%H:%M", t);
            case 's' -> Long.toString(t.toEpochSecond());
            case 'S' -> two(t.getSecond());
            case 't' -> "\t";
            case 'T' -> format("%H:%M:%S", t);
            case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
            case 'U' -> two((t.getDayOfYear() - 1 + 7 - t.getDayOfWeek().getValue() % 7) / 7);
            case 'V' -> two(t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
            case 'W' -> two((t.getDayOfYear() - 1 + 7 - (t.getDayOfWeek().getValue() + 6) % 7) / 7);
            case 'x' -> format("%m/%d/%y", t);
            case 'X' -> format("%H:%M:%S", t);
            case 'y' -> two(t.getYear() % 100);
            case 'Y' -> Integer.toString(t.getYear());
            case 'z' -> DateTimeFormatter.ofPattern("xx", Locale.US).format(t);
            case 'Z' -> zoneName(t);
            case '%' -> "%";
            default -> null;
        };
    }
}
