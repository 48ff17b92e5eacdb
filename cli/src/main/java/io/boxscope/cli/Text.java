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
     * as "xhs.exe" (CVE-2021-42574, "Trojan Source"). A lone surrogate is a byte that was not UTF-8, kept by
     * {@link io.boxscope.proc.RawText} (U+DC80..U+DCFF: {@code \xNN}, the byte), or no character at all ({@code &#92;uNNNN}):
     * a terminal's encoder would write {@code ?} for it.
     */
    public static String safe(String s) {
        return escape(s, false);
    }

    /**
     * {@link #safe}, except that a byte {@link io.boxscope.proc.RawText} kept (a lone U+DC80..U+DCFF) stays as it is,
     * to be written back as that byte: for text to a file or a pipe, where libbpf-tools' execsnoop and opensnoop
     * write an argument's or a path's bytes that are not UTF-8 as they are (their printf {@code %s}), and so does
     * probe (docs/probe.md, "Strings that are not UTF-8"). Control characters and the bidi controls are still
     * escaped. On a terminal use {@link #safe}: such a byte is shown as {@code \xNN} there.
     */
    public static String safeKeepingBytes(String s) {
        return escape(s, true);
    }

    /**
     * How a command escapes the strings a process controls (comm, paths, arguments) in its text output: {@link #safe}
     * on a terminal (rule: control bytes and bytes that are not UTF-8 never reach a terminal raw), {@link #safeKeepingBytes}
     * to a file or a pipe, where libbpf-tools' printf {@code %s} writes a kernel string's bytes as they are. One choice
     * for every tool (execsnoop, opensnoop, statsnoop, killsnoop, exitsnoop, tcpconnect, tcplife, oomkill, biosnoop,
     * filetop); JSON escapes on its own ({@code Json}).
     */
    public static java.util.function.UnaryOperator<String> escaping(boolean terminal) {
        return terminal ? Text::safe : Text::safeKeepingBytes;
    }

    /** {@link #safe}; with {@code keepBytes} a byte RawText kept is left as it is ({@link #safeKeepingBytes}). */
    private static String escape(String s, boolean keepBytes) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
            boolean raw = c >= 0xdc80 && c <= 0xdcff && lone(s, i);
            if (raw && keepBytes) {
                if (sb != null) {
                    sb.append(c);
                }
            } else if (control || c == '\\' || isFormatting(c) || raw || (Character.isSurrogate(c) && lone(s, i))) {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append(c == '\\' ? "\\\\" : control ? String.format("\\x%02x", (int) c)
                        : raw ? String.format("\\x%02x", c & 0xff) : String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * {@code s} unchanged when none of its characters needs an escape, else {@link #safe}{@code (s)}: for
     * lines that must equal a peer tool's byte for byte (trace's sysdig lines: sysdig prints a 0x5c byte of
     * a buffer as one backslash), the backslash is doubled only in a line that holds an escape. No control
     * or bidi character reaches the terminal either way; what is lost is that a line without escapes can
     * show text that looks like one ({@code \x1b} typed into a file name), docs/trace.md.
     */
    public static String safeVerbatimWhenPlain(String s) {
        return needsEscape(s) ? safe(s) : s;
    }

    /**
     * Whether {@link #safe} escapes a character of {@code s} other than the backslash. Printable ASCII
     * (0x20-0x7e), nearly every character of a trace line, is decided by one range test before anything
     * else: with the old single condition every character also went through {@link #isFormatting}, a call
     * per character under C1 (its body is above C1's inlining limit), and this check was 17% of
     * {@code trace -r FILE evt.type=openat}'s samples (docs/benchmarks.md, "trace -r: the line's escape check").
     */
    public static boolean needsEscape(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                continue;
            }
            // not printable ASCII: C0 controls (< 0x20), DEL (0x7f) and C1 controls (0x80-0x9f) are all below 0xa0
            if (c < 0xa0 || isFormatting(c) || (Character.isSurrogate(c) && lone(s, i))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the surrogate at {@code i} is not half of a pair (a byte {@link io.boxscope.proc.RawText} kept, or garbage). */
    private static boolean lone(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
                : i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
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

    /** {@code n} and the noun for it: {@code count(1, "process", "processes")} is "1 process", 0 or 2 take {@code many}. */
    public static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
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
