package io.boxscope.cli;

import java.util.List;
import java.util.Locale;

/**
 * Terminal rendering helpers. Process names, paths and container names are chosen by whoever runs
 * the process: {@link #safe} makes control characters visible ({@code \x1b}, {@code &#92;u202e}) so
 * they can neither move the cursor, forge lines, nor reorder what follows them on the line.
 */
public final class Text {
    private Text() {}

    /**
     * {@code s} with every character that could change how the terminal shows the rest of the line
     * written as an escape: C0 and C1 controls and DEL as {@code \xNN}, the line and paragraph
     * separators and the Unicode bidirectional controls as {@code &#92;uNNNN}, and the backslash doubled
     * so an escape cannot be forged. The bidi controls (embeddings and overrides U+202A..U+202E,
     * isolates U+2066..U+2069, and the marks U+200E, U+200F, U+061C; Unicode UAX #9) reorder the
     * characters after them: a process named "x", U+202E (right-to-left override), "exe.sh" would show
     * as "xhs.exe" (CVE-2021-42574, "Trojan Source").
     */
    public static String safe(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
            if (control || c == '\\' || isFormatting(c)) {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append(c == '\\' ? "\\\\" : control ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

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
     * String.format. TextPadTest compares the two.
     */
    static void fixed(StringBuilder sb, long value, int scale, int decimals) {
        if (scale < 0 || scale >= POW10.length || decimals < 0 || decimals >= POW10.length
                || value <= -EXACT || value >= EXACT) {
            double divisor = scale >= 0 && scale < POW10.length ? POW10[scale] : Math.pow(10, scale);
            sb.append(String.format(java.util.Locale.ROOT, "%." + decimals + "f", value / divisor));
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

    /** Line and paragraph separators and the bidirectional controls (see {@link #safe}). */
    private static boolean isFormatting(char c) {
        return c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200e' || c == '\u200f' || c == '\u061c';
    }

    /** {@link #safe} for each line of a multi-line text (a verifier log, say): newlines and tabs are kept. */
    public static String safeLines(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean first = true;
        for (String line : s.split("\n", -1)) {
            if (!first) {
                sb.append('\n'); // also after empty lines: "\n\nx" keeps its two leading newlines
            }
            first = false;
            for (String cell : line.split("\t", -1)) {
                sb.append(safe(cell)).append('\t');
            }
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }

    /** Binary units as docker stats prints them: 512KiB, 128MiB, 1.5GiB. */
    public static String bytes(long b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%d%s", (long) v, units[u]);
        }
        return String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }

    /** "0.5", "2", "1.25": CPUs as docker --cpus writes them. */
    public static String cpus(double c) {
        String s = String.format(Locale.ROOT, "%.2f", c);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** A left-aligned table with two spaces between columns; cells are made {@link #safe}. */
    public static String table(List<String> header, List<List<String>> rows) {
        return Table.render(header, rows, null, header.size());
    }
}
