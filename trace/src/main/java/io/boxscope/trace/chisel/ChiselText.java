package io.boxscope.trace.chisel;

/**
 * Text other processes wrote (a syslog message, bytes on stdin/stdout/stderr) made safe for the terminal
 * inside the chisel that prints it. The command keeps a chisel's own newlines, tabs and colour codes
 * (echo_fds' SGR sequences) and escapes the rest of each line; text that reaches it with an ESC [ 8 m of
 * its own would hide what follows, a CR or newline would forge a line. sysdig's Lua chisels print these
 * bytes raw (spy_syslog.lua, stdout.lua: {@code print(evt.field(...))}); Boxscope escapes them as its
 * {@code Text.safe} does everywhere else: C0 and C1 controls and DEL as {@code \xNN} (a newline as
 * {@code \n}), the Unicode line separators and bidirectional controls as {@code \}{@code uNNNN}, the
 * backslash doubled, and only in text that holds such a character (plain text prints as sysdig prints it).
 */
final class ChiselText {
    private ChiselText() {}

    /** {@code s} escaped; with {@code keepLayout}, its newlines and tabs are kept (a stream's own lines). */
    static String escape(String s, boolean keepLayout) {
        if (!needsEscape(s, keepLayout)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (keepLayout && (c == '\n' || c == '\t')) {
                b.append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\\') {
                b.append("\\\\");
            } else if (control(c)) {
                b.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
            } else if (formatting(c)) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean needsEscape(String s, boolean keepLayout) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((control(c) && !(keepLayout && (c == '\n' || c == '\t'))) || formatting(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean control(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
    }

    /** Line and paragraph separators and the bidirectional controls (Unicode UAX #9, CVE-2021-42574). */
    private static boolean formatting(char c) {
        return c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200e' || c == '\u200f' || c == '\u061c';
    }
}
