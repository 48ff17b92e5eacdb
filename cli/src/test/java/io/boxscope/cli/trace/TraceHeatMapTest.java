package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.GroupInfo;
import io.boxscope.trace.scap.MachineInfo;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import io.boxscope.trace.scap.UserInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spectrogram and subsecoffset draw on a terminal what sysdig 0.29 draws, byte for byte: both run under a
 * pseudo-terminal of script(1) sized with stty, on the same capture, and their screens (everything written to the
 * pty: cursor, colours, rows, labels, the end) are compared. The capture is written with trace's writer: getuid
 * calls of process a over 3 s of event time, a number of calls per tenth of a second from 0 to 2000 (every colour
 * of the palette at 100 ms), latencies from 0 (skipped) through every decade to 150 s (past the last bucket), start
 * times spread over each period, a 1.3 s gap with no event and one where only process b runs (the clock moves on
 * events the filter drops). The expectations are sysdig's screens at test time.
 */
class TraceHeatMapTest {
    @TempDir
    static Path dir;

    private static Path capture;
    private static final List<ScapEvent> EVENTS = new ArrayList<>();
    private static final int THREADS = 1000;
    private static final int B = 5000;
    /** Calls per tenth of a second, in turn. */
    private static final int[] CALLS = {0, 1, 2, 3, 5, 9, 14, 30, 60, 90, 150, 300, 600, 900, 2000, 1, 0, 40, 7, 250};
    /** Latencies in ns, in turn: every decade, both sides of a power of ten, 0, and past 100 s. */
    private static final long[] LATENCIES = {1, 3, 9, 10, 11, 42, 99, 100, 101, 999, 1000, 1001, 4_567, 10_000, 12_345,
            99_999, 100_000, 777_777, 1_000_000, 1_000_001, 9_999_999, 10_000_000, 33_000_000, 0, 5, 250, 60_000};

    @BeforeAll
    static void write() throws Exception {
        // a's calls take its 1000 threads in turn: each call ends (33 ms at most) before its thread's next
        List<ThreadInfo> threads = new ArrayList<>();
        for (int t = 100; t < 100 + THREADS; t++) {
            threads.add(ThreadInfo.of(t, 100, 1, "a", "/tmp/a", List.of(), "/", 0, 0));
        }
        threads.add(ThreadInfo.of(B, B, 1, "b", "/tmp/b", List.of(), "/", 0, 0));
        CaptureTables tables = new CaptureTables(new MachineInfo(2, 1L << 30, 4194304, "heatmap"), List.of(),
                List.of(new UserInfo(0, 0, "root", "/root", "/bin/bash")), List.of(new GroupInfo(0, "root")), threads, Map.of());
        List<long[]> calls = new ArrayList<>(); // tid, enter, exit
        long start = 1_700_000_000_123_456_789L;
        int n = 0;
        for (int tenth = 0; tenth < 30; tenth++) {
            long base = start + tenth * 100_000_000L;
            if (tenth >= 22 && tenth < 25) {
                continue; // only b runs here
            }
            int count = CALLS[tenth % CALLS.length];
            for (int i = 0; i < count; i++) {
                long enter = base + (long) i * 99_000_000L / Math.max(count, 1) + (i * 7919L) % 1000;
                calls.add(new long[] {100 + (n % THREADS), enter, enter + LATENCIES[n % LATENCIES.length]});
                n++;
            }
        }
        long end = start + 30 * 100_000_000L;
        // process b every 40 ms over the whole time, then a gap of 1.3 s with nothing at all
        for (long t = start + 7; t < end; t += 40_000_000L) {
            calls.add(new long[] {B, t, t + 2_000});
        }
        long late = end + 1_300_000_000L;
        calls.add(new long[] {101, late, late + 2_000_000_000L}); // 2 s
        calls.add(new long[] {102, late + 10, late + 150_000_000_000L}); // 150 s: capped at 10^11, past the last bucket
        calls.add(new long[] {103, late + 20, late + 12_000_000_000L});
        for (long[] c : calls) {
            EVENTS.add(ScapEvent.builder("PPME_SYSCALL_GETUID_E", c[1], c[0], 0).build());
            EVENTS.add(ScapEvent.builder("PPME_SYSCALL_GETUID_X", c[2], c[0], 0).num(0).build());
        }
        EVENTS.sort(Comparator.comparingLong(ScapEvent::ts)); // stable: a call of latency 0 keeps enter before exit
        capture = ChiselCapture.write(dir.resolve("heatmap.scap"), tables, EVENTS);
    }

    /** Compares the screens; returns sysdig's. */
    private static String assertSameScreen(int cols, int rows, String... args) throws Exception {
        return Pty.assertSame(dir, capture, cols, rows, List.of(args));
    }

    /** Rows drawn (the cursor moved up once per row) and cells in a colour other than black. */
    private static void assertDrawn(String screen, int minRows) {
        assertTrue(screen.split("\u001b\\[1F", -1).length - 1 >= minRows, "rows: " + screen.length() + " bytes");
        assertTrue(java.util.regex.Pattern.compile("\u001b\\[38;5;[1-9][0-9]*m").matcher(screen).find(), "no coloured cell");
    }

    @Test
    void spectrogramDrawsSysdigsScreen() throws Exception {
        assertSameScreen(120, 40, "-c", "spectrogram");
        // 27 tenths with events of a or b, and the late calls: a row at every change of tenth but the first
        assertDrawn(assertSameScreen(120, 40, "-c", "spectrogram", "100"), 25);
        assertDrawn(assertSameScreen(120, 40, "-c", "spectrogram", "100", "proc.name=a"), 25);
        assertSameScreen(61, 20, "-c", "spectrogram", "33.3");
        assertSameScreen(0, 0, "-c", "spectrogram", "100");
    }

    @Test
    void subsecoffsetDrawsSysdigsScreen() throws Exception {
        assertSameScreen(120, 40, "-c", "subsecoffset");
        assertDrawn(assertSameScreen(120, 40, "-c", "subsecoffset", "100"), 25);
        assertSameScreen(120, 40, "-c", "subsecoffset", "250", "proc.name=a");
        assertSameScreen(47, 20, "-c", "subsecoffset", "100");
        assertSameScreen(0, 0, "-c", "subsecoffset");
    }

    /**
     * The refresh time is read as LuaJIT's tonumber reads it ({@code inf}, {@code nan}: drawn as sysdig draws them), and
     * a subsecoffset refresh time of 0 or nan fails on the first event as the Lua does (a NaN table index): the error
     * written where sysdig writes it, the capture's end still drawn, status 1. sysdig's error names a line of its Lua
     * chunk where ours says what to give instead: the two screens are compared without that line.
     */
    @Test
    void refreshTimesAsLuaReadsThem() throws Exception {
        assertSameScreen(120, 40, "-c", "subsecoffset", "inf");
        assertSameScreen(120, 40, "-c", "spectrogram", "nan");
        assertSameScreen(120, 40, "-c", "spectrogram", "inf");
        for (String zero : List.of("0", "nan")) {
            String theirs = Pty.run(dir, 120, 40, List.of("/usr/bin/sysdig", "-r", capture.toString(), "-c", "subsecoffset", zero));
            String ours = Pty.run(dir, 120, 40, io.boxscope.cli.ChildJvm.boxscope("trace", "-r", capture.toString(), "-c",
                    "subsecoffset", zero));
            assertTrue(theirs.contains("subsecoffset chisel error: [string \"--[[...\"]:98: table index is NaN\r\n"), theirs);
            assertTrue(ours.contains("subsecoffset chisel error: table index is NaN (a refresh_time of " + zero
                    + " ms gives no column: give a positive number of milliseconds)\r\n"), ours);
            assertTrue(ours.endsWith("[exit 1]\r\n"), ours);
            assertEquals(withoutErrorLine(theirs), withoutErrorLine(ours), "subsecoffset " + zero);
        }
    }

    /**
     * The chisel's argument word as sysdig's set_args splits it: {@code ' 100'} is one argument (trimmed; it was split
     * into "" and "100", "too many parameters"), quoted words are one argument, an open quote is refused. A word that
     * starts with '-' where the chisel takes an argument is an option to sysdig's getopt ("invalid option -- '5'",
     * exit 1): here an error saying so and how to give it (a leading space), exit 1 as sysdig exits for a chisel's
     * argument (TraceChiselTest.chiselArgumentErrorsExitAsSysdigExits).
     */
    @Test
    void theArgumentWordIsSplitAsSysdigSplitsIt() throws Exception {
        assertSameScreen(120, 40, "-c", "spectrogram", " 100 ");
        assertSameScreen(120, 40, "-c", "spectrogram", "'100'");
        io.boxscope.cli.Cli open = io.boxscope.cli.Cli.run("trace", "-r", capture.toString(), "-c", "spectrogram", "'100");
        assertEquals(io.boxscope.cli.ExitCode.FAILURE, open.code(), open.err());
        assertEquals("boxscope: corrupted parameters for chisel spectrogram\n", open.err());
        io.boxscope.cli.Cli minus = io.boxscope.cli.Cli.run("trace", "-r", capture.toString(), "-c", "spectrogram", "-5");
        assertEquals(io.boxscope.cli.ExitCode.FAILURE, minus.code(), minus.err());
        assertTrue(minus.err().startsWith("boxscope: invalid option -5: "), minus.err());
        assertTrue(minus.err().contains("' -5'"), minus.err());
        assertEquals(1, minus.err().lines().count(), minus.err());
    }

    /**
     * A chisel's error ends the reading with status 1 after the counts are said (-v's drop line): trace returned before
     * them, so what was counted was never shown. Under a pseudo-terminal, where the chisel starts (it refuses a pipe).
     */
    @Test
    void aChiselErrorStillSaysTheCountsThenExits1() throws Exception {
        String screen = Pty.run(dir, 120, 40, io.boxscope.cli.ChildJvm.boxscope("trace", "-r", capture.toString(), "-v", "-c",
                "subsecoffset", "0"));
        int error = screen.indexOf("subsecoffset chisel error: table index is NaN");
        int drops = screen.indexOf("Drops: ");
        assertTrue(error >= 0 && drops > error, screen);
        assertTrue(screen.endsWith("[exit 1]\r\n"), screen);
    }

    private static String withoutErrorLine(String screen) {
        return screen.replaceAll("subsecoffset chisel error: [^\r\n]*\r\n", "");
    }

    /** The capture holds what the test meant: every tenth's calls of a, b's calls, the late three. */
    @Test
    void captureHoldsTheWorkload() throws Exception {
        long a = 0;
        for (int tenth = 0; tenth < 30; tenth++) {
            a += tenth >= 22 && tenth < 25 ? 0 : CALLS[tenth % CALLS.length];
        }
        String counted = TraceReadFilterTest.sysdigRead(capture, List.of("-p", "%proc.name", "evt.type=getuid and evt.dir=<"));
        assertEquals(a + 3, counted.lines().filter("a"::equals).count());
        assertEquals(75, counted.lines().filter("b"::equals).count());
    }
}
