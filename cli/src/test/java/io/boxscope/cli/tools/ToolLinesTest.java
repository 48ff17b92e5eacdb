package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalTime;
import io.boxscope.tools.exitsnoop.ExitEvent;
import io.boxscope.tools.killsnoop.KillEvent;
import io.boxscope.tools.oomkill.OomEvent;
import io.boxscope.tools.statsnoop.StatEvent;
import io.boxscope.tools.tcpconnect.ConnectEvent;
import io.boxscope.tools.tcplife.TcpSession;
import org.junit.jupiter.api.Test;

/**
 * The per-event lines of killsnoop, statsnoop, exitsnoop, tcpconnect, tcplife and oomkill, character for
 * character. They are built with Pad.left/right/fixedLeft (proc) instead of String.format (docs/benchmarks.md,
 * "execsnoop and opensnoop"); the expected lines are what the format strings they replaced
 * ({@code "%-8s %-7d %-16s %-9s %-7d %-6d%n"} and so on, libbpf-tools' handle_event widths) printed for these
 * values, written out here as literals.
 */
class ToolLinesTest {
    private static final String NL = System.lineSeparator();
    private static final LocalTime T = LocalTime.of(21, 0, 1);

    @Test
    void killsnoop() {
        KillsnoopCommand c = new KillsnoopCommand();
        assertEquals("21:00:01 4242    bash             9         77      -3    " + NL,
                c.line(new KillEvent(T, 4242, "bash", 9, 77, -3, null)));
        c.names.set(true);
        assertEquals("21:00:01 4242    sixteen-chars-xy SIGKILL   1234567 0     " + NL,
                c.line(new KillEvent(T, 4242, "sixteen-chars-xy", 9, 1234567, 0, null)));
    }

    @Test
    void statsnoop() {
        StatsnoopCommand c = new StatsnoopCommand();
        c.timestamp.set(true);
        c.sysname.set(true);
        // -t counts from the first event: 0, then 1.234567891 s later
        assertEquals("0.000000000    10      python3              3    0    N/A        /etc/hosts" + NL,
                c.line(new StatEvent(1_000_000_000L, 10, "python3", 3, 0, "/etc/hosts", null)));
        assertEquals("1.234567891    10      python3              -1   2    newfstatat /etc/passwd" + NL,
                c.line(new StatEvent(2_234_567_891L, 10, "python3", -2, 5, "/etc/passwd", null)));
    }

    @Test
    void exitsnoop() {
        ExitsnoopCommand c = new ExitsnoopCommand();
        assertEquals("sleep            300     1       301     1234.50 0\n",
                c.line(new ExitEvent(T, 300, 1, 301, 1_234_500_000_000L, 0, 0, true, "sleep", null)));
        c.timestamp.set(true);
        // 1.235 s: Java's %.2f rounds the tie up
        assertEquals("21:00:01 sleep            300     1       300     1.24    code 3\n",
                c.line(new ExitEvent(T, 300, 1, 300, 1_235_000_000L, 3, 0, true, "sleep", null)));
    }

    @Test
    void tcpconnect() {
        TcpconnectCommand c = new TcpconnectCommand();
        // %-16.16s cuts a longer (escaped) name at 16 characters
        assertEquals("4242   abcdefghijklmnop 6  ::1              ::1              80   " + NL,
                c.line(new ConnectEvent(0, 4242, 0, "abcdefghijklmnopqrs", 6, "::1", "::1", 80, null)));
        c.timestamp.set(true);
        c.printUid.set(true);
        assertEquals("12.346   1000  4242   curl             4  10.0.0.1         93.184.216.34    443  " + NL,
                c.line(new ConnectEvent(12_345_500_000L, 4242, 1000, "curl", 4, "10.0.0.1", "93.184.216.34", 443, null)));
    }

    @Test
    void tcplife() {
        TcplifeCommand c = new TcplifeCommand();
        c.timestamp.set(true);
        // 128 bytes are 0.125 KB: C's %.2f rounds the tie to even (TcplifeTextTest)
        assertEquals("0.000000  4242    curl             10.0.0.1        40000 93.184.216.34   443   0.12   1.00   12.34" + NL,
                c.line(new TcpSession(5_000_000_000L, 4242, "curl", 4, "10.0.0.1", 40000, "93.184.216.34", 443, 128, 1024,
                        12_340_000, null)));
        assertEquals("2.500000  4242    curl             10.0.0.1        40000 93.184.216.34   443   0.12   1.00   12.34" + NL,
                c.line(new TcpSession(7_500_000_000L, 4242, "curl", 4, "10.0.0.1", 40000, "93.184.216.34", 443, 128, 1024,
                        12_340_000, null)));
    }

    @Test
    void oomkill() {
        OomkillCommand c = new OomkillCommand();
        assertEquals("21:00:01 Triggered by PID 10 (\"stress\"), OOM kill of PID 11 (\"stress-ng\"), 262144 pages, loadavg: "
                        + "1.00 0.50 0.25 2/300 1234" + NL,
                c.line(new OomEvent(T, 10, "stress", 11, "stress-ng", 0, 0, 0, 0, 262144, "1.00 0.50 0.25 2/300 1234", null)));
        assertEquals("21:00:01 Triggered by PID 10 (\"stress\"), OOM kill of PID 11 (\"stress-ng\"), 262144 pages" + NL,
                c.line(new OomEvent(T, 10, "stress", 11, "stress-ng", 0, 0, 0, 0, 262144, null, null)));
    }

    /**
     * An argument and a path holding bytes that are not UTF-8 (ff fe, as {@code RawText} keeps them: U+DCFF U+DCFE):
     * to a file or a pipe written as those bytes, as /usr/sbin/execsnoop and opensnoop (libbpf-tools) write them,
     * not as U+FFFD; on a terminal shown as {@code \xff\xfe}; control characters escaped either way.
     */
    @Test
    void bytesThatAreNotUtf8AreWrittenAsTheyAreToAFileAndEscapedOnATerminal() {
        String raw = io.boxscope.proc.RawText.decode(new byte[] {'a', (byte) 0xff, (byte) 0xfe});
        ExecsnoopCommand x = new ExecsnoopCommand();
        io.boxscope.tools.execsnoop.ExecEvent exec = new io.boxscope.tools.execsnoop.ExecEvent(T, 0, 10, 1, 0, 0, "echo",
                java.util.List.of("/bin/echo", raw, "e\u001b"), false, null);
        x.toTerminal(false);
        assertArrayEquals(bytes("echo             10     1        0 /bin/echo a", 0xff, 0xfe, " e\\x1b \n"),
                io.boxscope.proc.RawText.encode(x.line(exec)));
        x.quote.set(true);
        assertArrayEquals(bytes("echo             10     1        0 \"/bin/echo\" \"a", 0xff, 0xfe, "\" \"e\\x1b\" \n"),
                io.boxscope.proc.RawText.encode(x.line(exec)));
        x.toTerminal(true);
        assertEquals("echo             10     1        0 \"/bin/echo\" \"a\\xff\\xfe\" \"e\\x1b\" \n", x.line(exec));

        OpensnoopCommand o = new OpensnoopCommand();
        io.boxscope.tools.opensnoop.OpenEvent open = new io.boxscope.tools.opensnoop.OpenEvent(T, 10, 0, "cat", 3, 0, 0,
                "/tmp/" + raw, null);
        o.toTerminal(false);
        assertArrayEquals(bytes("10     cat                3   0 /tmp/a", 0xff, 0xfe, "\n"), io.boxscope.proc.RawText.encode(o.line(open)));
        o.toTerminal(true);
        assertEquals("10     cat                3   0 /tmp/a\\xff\\xfe\n", o.line(open));
    }

    /**
     * execsnoop -q as /usr/sbin/execsnoop (libbpf-tools 0.26) printed it in a user walk (session 36) for
     * {@code /bin/true a 'b c' w36q 'd"e' f}: {@code "/bin/true" "a" "b c" "w36q" "d\"e" "f" } (one backslash before the
     * quote; Boxscope printed two), and its quoted_symbol() writes a tab and a newline as {@code \t} and {@code \n}.
     * A backslash the process put in an argument stays doubled (Text.safe, so no escape can be forged).
     */
    @Test
    void execsnoopQuotedArgumentsEscapeTheQuoteOnce() {
        ExecsnoopCommand x = new ExecsnoopCommand();
        x.quote.set(true);
        io.boxscope.tools.execsnoop.ExecEvent exec = new io.boxscope.tools.execsnoop.ExecEvent(T, 0, 10564, 9776, 0, 0, "true",
                java.util.List.of("/bin/true", "a", "b c", "w36q", "d\"e", "f"), false, null);
        for (boolean terminal : new boolean[] {false, true}) {
            x.toTerminal(terminal);
            assertEquals("true             10564  9776     0 \"/bin/true\" \"a\" \"b c\" \"w36q\" \"d\\\"e\" \"f\" \n", x.line(exec));
        }
        io.boxscope.tools.execsnoop.ExecEvent controls = new io.boxscope.tools.execsnoop.ExecEvent(T, 0, 10, 1, 0, 0, "sh",
                java.util.List.of("a\tb", "x\ny", "\"\"", "c\\d\u001b"), false, null);
        assertEquals("sh               10     1        0 \"a\\tb\" \"x\\ny\" \"\\\"\\\"\" \"c\\\\d\\x1b\" \n", x.line(controls));
    }

    /**
     * oomkill's two comms and biosnoop's comm, which no kernel test here can make (an OOM kill, a disk's I/O): to a file
     * or a pipe their bytes that are not UTF-8 as they are (oomkill.c and biosnoop.c print them with {@code %s}),
     * on a terminal {@code \xff\xfe}; the control byte escaped either way.
     */
    @Test
    void oomkillAndBiosnoopWriteTheCommsBytesAsTheyAreToAFile() {
        String raw = io.boxscope.proc.RawText.decode(new byte[] {'a', (byte) 0xff, (byte) 0xfe, 1});
        OomkillCommand c = new OomkillCommand();
        OomEvent oom = new OomEvent(T, 10, raw, 11, raw, 0, 0, 0, 0, 262144, null, null);
        c.toTerminal(false);
        java.io.ByteArrayOutputStream want = new java.io.ByteArrayOutputStream();
        want.writeBytes(bytes("21:00:01 Triggered by PID 10 (\"a", 0xff, 0xfe, "\\x01\"), OOM kill of PID 11 (\"a"));
        want.writeBytes(bytes("", 0xff, 0xfe, "\\x01\"), 262144 pages" + NL));
        assertArrayEquals(want.toByteArray(), io.boxscope.proc.RawText.encode(c.line(oom)));
        c.toTerminal(true);
        assertEquals("21:00:01 Triggered by PID 10 (\"a\\xff\\xfe\\x01\"), OOM kill of PID 11 (\"a\\xff\\xfe\\x01\"), 262144 pages"
                + NL, c.line(oom));

        io.boxscope.tools.biosnoop.Biosnoop.Event bio = new io.boxscope.tools.biosnoop.Biosnoop.Event(1_000_000L, 0, "sda", 42,
                raw, "W", 8, 4096, 0, 1_000_000L);
        io.boxscope.tools.biosnoop.Biosnoop.Options o = new io.boxscope.tools.biosnoop.Biosnoop.Options(false, null, 0, false);
        String file = io.boxscope.tools.biosnoop.Biosnoop.line(bio, o, 0, "", io.boxscope.cli.Text.escaping(false));
        String tty = io.boxscope.tools.biosnoop.Biosnoop.line(bio, o, 0, "", io.boxscope.cli.Text.escaping(true));
        // the comm cut to 14 columns, escaped, padded: raw bytes are one column each in the file
        String fileBytes = new String(io.boxscope.proc.RawText.encode(file), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(true, java.util.regex.Pattern.compile(" a\u00ff\u00fe\\\\x01 + 42 ").matcher(fileBytes).find(), fileBytes);
        assertEquals(true, java.util.regex.Pattern.compile(" a\\\\xff\\\\xfe\\\\x01 + 42 ").matcher(tty).find(), tty);
        assertEquals(false, fileBytes.contains("\\xff"), fileBytes);
    }

    /** {@code head}'s UTF-8, then the bytes {@code b1} and {@code b2}, then {@code tail}'s. */
    private static byte[] bytes(String head, int b1, int b2, String tail) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        o.writeBytes(head.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        o.write(b1);
        o.write(b2);
        o.writeBytes(tail.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return o.toByteArray();
    }
}
