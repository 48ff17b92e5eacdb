package io.boxscope.proc;

import java.util.Locale;

/**
 * printf's padded columns ({@code %-Ns}, {@code %Nd}, {@code %-W.Df}, ...) appended to a StringBuilder, for
 * the per-event lines of the tools (cli's commands and the line builders in {@code tools}, biosnoop's),
 * which print tens of thousands of lines a second. Here, in the lowest module both use, so that neither
 * copies it. The JDK's Formatter is the reference for every method (PadTest).
 */
public final class Pad {
    private Pad() {}

    /**
     * Appends {@code s} and then spaces up to {@code width} characters: printf's {@code %-Ns} (a longer
     * {@code s} is not cut). For the per-event lines of the tools, which print tens of thousands of
     * lines a second: {@link String#format} parses its format string on every call, and that was a
     * fifth of opensnoop's time per event (docs/benchmarks.md, "execsnoop and opensnoop").
     */
    public static StringBuilder left(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb;
    }

    /** Appends {@code n} in decimal and then spaces up to {@code width} characters: printf's {@code %-Nd}. */
    public static StringBuilder left(StringBuilder sb, long n, int width) {
        int start = sb.length();
        sb.append(n);
        while (sb.length() - start < width) {
            sb.append(' ');
        }
        return sb;
    }

    /** Appends spaces and then {@code n} in decimal, {@code width} characters in all: printf's {@code %Nd}. */
    public static StringBuilder right(StringBuilder sb, long n, int width) {
        String digits = Long.toString(n);
        for (int i = digits.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb.append(digits);
    }

    /** Appends spaces and then {@code s}, {@code width} characters in all: printf's {@code %Ns}. */
    public static StringBuilder right(StringBuilder sb, String s, int width) {
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb.append(s);
    }

    /**
     * Appends {@code value / 10^scale} with {@code decimals} decimals and then spaces up to {@code width}
     * characters: what {@code String.format(Locale.ROOT, "%-W.Df", value / 1eS)} prints (the tools'
     * seconds and milliseconds from nanoseconds), without String.format's cost per line. See
     * {@link #fixed(StringBuilder, long, int, int)} for why it is the same text.
     */
    public static StringBuilder fixedLeft(StringBuilder sb, long value, int scale, int decimals, int width) {
        int start = sb.length();
        fixed(sb, value, scale, decimals);
        while (sb.length() - start < width) {
            sb.append(' ');
        }
        return sb;
    }

    /** As {@link #fixedLeft}, padded on the left: printf's {@code %W.Df}. */
    public static StringBuilder fixedRight(StringBuilder sb, long value, int scale, int decimals, int width) {
        int start = sb.length();
        fixed(sb, value, scale, decimals);
        int pad = width - (sb.length() - start);
        if (pad > 0) {
            sb.insert(start, " ".repeat(pad));
        }
        return sb;
    }

    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L};
    /** Below 10^15 a long has at most 15 significant digits (see {@link #fixed}). */
    private static final long EXACT = 1_000_000_000_000_000L;

    /**
     * Appends {@code %.Df} of the double {@code value / 10^scale}. Java's Formatter (since JDK 21,
     * JDK-8300869) rounds the double's shortest decimal (Double.toString's digits) half up, away from
     * zero. A double nearest to a decimal of at most 15 significant digits has that decimal as its
     * shortest one (no other such decimal lies within half an ulp of it), so below 10^15 this rounds
     * {@code value} itself half up in integer arithmetic; larger values, and scales beyond 12, go to
     * String.format. PadTest compares the two.
     */
    static void fixed(StringBuilder sb, long value, int scale, int decimals) {
        if (scale < 0 || scale >= POW10.length || decimals < 0 || decimals >= POW10.length
                || value <= -EXACT || value >= EXACT) {
            double divisor = scale >= 0 && scale < POW10.length ? POW10[scale] : Math.pow(10, scale);
            sb.append(String.format(Locale.ROOT, "%." + decimals + "f", value / divisor));
            return;
        }
        if (value < 0) {
            sb.append('-'); // Formatter keeps the sign of a negative value that rounds to zero ("-0.000")
        }
        long mag = Math.abs(value);
        long scaled; // mag * 10^(decimals - scale), rounded half up
        if (decimals >= scale) {
            long whole = mag / POW10[scale];
            long frac = mag % POW10[scale];
            sb.append(whole);
            if (decimals > 0) {
                sb.append('.');
                digits(sb, frac, scale);
                for (int i = scale; i < decimals; i++) {
                    sb.append('0');
                }
            }
            return;
        }
        long drop = POW10[scale - decimals];
        scaled = mag / drop + (mag % drop * 2 >= drop ? 1 : 0);
        sb.append(scaled / POW10[decimals]);
        if (decimals > 0) {
            sb.append('.');
            digits(sb, scaled % POW10[decimals], decimals);
        }
    }

    /** Appends {@code n} (0 <= n < 10^count) as exactly {@code count} digits, leading zeros included. */
    private static void digits(StringBuilder sb, long n, int count) {
        if (count == 0) {
            return;
        }
        String d = Long.toString(n);
        for (int i = d.length(); i < count; i++) {
            sb.append('0');
        }
        sb.append(d);
    }
}
