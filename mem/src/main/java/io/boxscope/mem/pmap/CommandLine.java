package io.boxscope.mem.pmap;

import io.boxscope.mem.smaps.Mapping;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A process's command line and name as read from /proc: {@code raw} is /proc/PID/cmdline and
 * {@code comm} the name from /proc/PID/stat, both as byte strings (one char per byte, ISO-8859-1),
 * {@code state} the state letter from stat. Gives the first line procps pmap prints
 * ({@link #terminal}) and the exact arguments for JSON ({@link #argv}, {@link #text}).
 *
 * <p>What procps-ng 4.0.2 prints after {@code "PID:   "}, established by experiment on live
 * processes of this host (argv built byte by byte with execve, comm set with prctl(PR_SET_NAME),
 * zombies left unreaped, argv overwritten in place like setproctitle(3)):
 * <ol>
 * <li>It reads at most 131,071 bytes of cmdline (a 128 KiB buffer less the terminating NUL).</li>
 * <li>Nothing read (zombies, kernel threads): {@code [comm]}, and for a process in state Z (a zombie)
 * {@code [comm] <defunct>}. A kernel thread gets no {@code <defunct>}; a zombie always has an empty
 * cmdline (the kernel has freed its memory), even a thread-group leader whose threads still run.</li>
 * <li>Otherwise trailing NULs are dropped, every other NUL and every '\n' becomes a space, and if the
 * last byte read was a space or '\n' (a cmdline without a final NUL: argv overwritten in place, or
 * cut at 131,071 bytes) it is dropped. If nothing is left (cmdline "\0", as after execve with an
 * empty argv), pmap prints {@code ?}.</li>
 * <li>The bytes are then escaped as procps's escape_str does, which depends on the locale's
 * codeset (LC_ALL, LC_CTYPE, LANG; a locale that is not installed counts as C). In a UTF-8 locale
 * it walks the string by the length its lead byte announces (C2..DF: 2, E0..EF: 3, F0..F4: 4)
 * without checking the continuation bytes, so valid UTF-8, C1 controls (U+0080..U+009F),
 * U+2028, surrogates and overlong forms print raw; an ASCII control (0x00..0x1F, 0x7F) prints
 * as '?'; at the first byte that cannot start a sequence (80..C1, F5..FF) or a sequence cut
 * by the end of the string, the rest of the string is escaped as in a non-UTF-8 locale. There,
 * ASCII controls print as '.' and every byte from 0x80 as '?'.</li>
 * </ol>
 * Deliberate differences, because the command line is anyone's to choose and must not drive the
 * terminal of the root user who runs pmap (the same characters Text.safe escapes everywhere else):
 * <ul>
 * <li>A character procps prints raw that terminals act on prints as one '?': the C1 controls
 * U+0080..U+009F (U+009B is CSI, like ESC [), U+2028/U+2029 (line and paragraph separator), and
 * the bidirectional controls U+202A..U+202E and U+2066..U+2069, which reorder the characters after
 * them on the screen (Trojan Source, CVE-2021-42574).</li>
 * <li>Inside a sequence whose continuation bytes procps does not check, a byte that is an ASCII
 * control, or one that would start a new character (0xC0 and up: {@code \xe6\xc2\x9b} would reach
 * the terminal as U+FFFD and then CSI), prints as '?'. So does every byte of an overlong form
 * ({@code \xe0\x82\x9b} is CSI to a lax decoder).</li>
 * </ul>
 * Everything else, including valid UTF-8, surrogates and code points above U+10FFFF (terminals
 * show U+FFFD for those), is byte for byte what procps prints.
 */
public record CommandLine(String raw, String comm, char state) {
    /** The most procps reads of a cmdline: its 128 KiB buffer less one byte for the NUL. */
    public static final int PROCPS_MAX = 128 * 1024 - 1;

    /**
     * Whether the locale's codeset is UTF-8, decided as procps decides it
     * ({@code setlocale(LC_ALL, "")} then {@code nl_langinfo(CODESET)}): the JVM sets
     * {@code native.encoding} the same way at start-up.
     */
    public static final boolean LOCALE_UTF8 = "UTF-8".equalsIgnoreCase(System.getProperty("native.encoding"));

    /** A process started with these arguments (for tests and fixtures); comm is the first argument's. */
    public static CommandLine of(String... argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            sb.append(new String(a.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)).append('\0');
        }
        String comm = argv.length == 0 ? "" : argv[0];
        return new CommandLine(sb.toString(), comm.substring(Math.max(0, comm.lastIndexOf('/') + 1)), 'S');
    }

    /** The text procps pmap prints after "PID:   ", as bytes, in this JVM's locale. */
    public byte[] terminal() {
        return terminal(LOCALE_UTF8);
    }

    /** The text procps pmap prints after "PID:   ", as bytes; {@code utf8}: the locale's codeset is UTF-8. */
    public byte[] terminal(boolean utf8) {
        byte[] b = raw.getBytes(StandardCharsets.ISO_8859_1);
        int n = Math.min(b.length, PROCPS_MAX);
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 16);
        if (n == 0) {
            out.write('[');
            byte[] c = comm.getBytes(StandardCharsets.ISO_8859_1);
            escape(c, c.length, utf8, out);
            out.write(']');
            if (state == 'Z') {
                out.writeBytes(" <defunct>".getBytes(StandardCharsets.US_ASCII));
            }
            return out.toByteArray();
        }
        int end = n;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            if (b[i] == 0 || b[i] == '\n') {
                b[i] = ' ';
            }
        }
        if (b[n - 1] == ' ') {
            end = n - 1; // only when nothing was dropped: b[n - 1] was a space or '\n', not a NUL
        }
        if (end == 0) {
            return new byte[] {'?'};
        }
        escape(b, end, utf8, out);
        return out.toByteArray();
    }

    /** procps's escape_str over {@code s[0, len)}, as described in the class comment. */
    static void escape(byte[] s, int len, boolean utf8, ByteArrayOutputStream out) {
        int i = 0;
        while (utf8 && i < len) {
            int c = s[i] & 0xff;
            int n = c < 0x80 ? 1 : c < 0xc2 ? -1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : -1;
            if (n < 0 || i + n > len) {
                break;
            }
            if (n == 1) {
                out.write(c < 0x20 || c == 0x7f ? '?' : c);
            } else if (unsafeCharacter(s, i, n)) {
                out.write('?');
            } else if (overlong(s, i, n)) {
                for (int k = 0; k < n; k++) {
                    out.write('?');
                }
            } else {
                out.write(c);
                for (int k = i + 1; k < i + n; k++) {
                    int x = s[k] & 0xff;
                    out.write(x < 0x20 || x == 0x7f || x >= 0xc0 ? '?' : x);
                }
            }
            i += n;
        }
        for (; i < len; i++) {
            int x = s[i] & 0xff;
            out.write(x < 0x20 || x == 0x7f ? '.' : x >= 0x80 ? '?' : x);
        }
    }

    /**
     * A well-formed C1 control (C2 80..C2 9F), U+2028/U+2029 (E2 80 A8, E2 80 A9) or bidi control
     * (U+202A..U+202E: E2 80 AA..AE; U+2066..U+2069: E2 81 A6..A9) at {@code s[i]}.
     */
    private static boolean unsafeCharacter(byte[] s, int i, int n) {
        int b0 = s[i] & 0xff;
        int b1 = s[i + 1] & 0xff;
        if (n == 2) {
            return b0 == 0xc2 && b1 >= 0x80 && b1 <= 0x9f;
        }
        int b2 = n == 3 ? s[i + 2] & 0xff : 0;
        return n == 3 && b0 == 0xe2 && (b1 == 0x80 && b2 >= 0xa8 && b2 <= 0xae || b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9);
    }

    /** A 3- or 4-byte form of a code point that fits in fewer bytes (E0 80..9F, F0 80..8F). */
    private static boolean overlong(byte[] s, int i, int n) {
        int b0 = s[i] & 0xff;
        int b1 = s[i + 1] & 0xff;
        return (n == 3 && b0 == 0xe0 && b1 >= 0x80 && b1 < 0xa0) || (n == 4 && b0 == 0xf0 && b1 >= 0x80 && b1 < 0x90);
    }

    /**
     * The arguments, decoded as UTF-8 with each invalid sequence replaced by U+FFFD, nothing else
     * changed. Trailing NULs are dropped first, so empty arguments at the very end are lost: they
     * cannot be told from the NUL padding a process leaves when it rewrites its argv in place. A
     * command line the process rewrote without any NUL is one argument.
     */
    public List<String> argv() {
        int end = raw.length();
        while (end > 0 && raw.charAt(end - 1) == '\0') {
            end--;
        }
        List<String> out = new ArrayList<>();
        if (end == 0) {
            return out;
        }
        int start = 0;
        while (true) {
            int nul = raw.indexOf('\0', start);
            if (nul < 0 || nul >= end) {
                out.add(Mapping.decode(raw.substring(start, end)));
                return out;
            }
            out.add(Mapping.decode(raw.substring(start, nul)));
            start = nul + 1;
        }
    }

    /** The exact command line: {@link #argv} joined by single spaces; empty for zombies and kernel threads. */
    public String text() {
        return String.join(" ", argv());
    }

    /** The command name (comm), decoded as UTF-8 with U+FFFD for invalid bytes. */
    public String name() {
        return Mapping.decode(comm);
    }
}
