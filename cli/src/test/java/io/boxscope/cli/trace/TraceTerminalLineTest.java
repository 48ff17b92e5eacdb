package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.ChildJvm;
import io.boxscope.cli.Text;
import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.GroupInfo;
import io.boxscope.trace.scap.MachineInfo;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import io.boxscope.trace.scap.UserInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a terminal sysdig 0.29 prints its default line in colour, with the process's pid before the thread id
 * (sysdig.cpp: {@code isatty(fileno(stdout))}), and writes {@code ESC[00m} at the end of the capture. {@code trace -r}
 * and {@code sysdig -r} run on the same capture under the same pseudo-terminal of script(1) ({@link Pty}) and
 * everything written to it is compared, byte for byte: the default line, a filter, -n, an empty result, -pc, -pk, -j,
 * -p with and without {@code \e}. The capture: a thread 301 of process 300 ("web"), process 310 ("db"), getuid
 * calls; and process 400 whose comm holds an escape sequence, which sysdig writes raw and Boxscope escapes.
 * Expectations are sysdig's screens at test time.
 */
class TraceTerminalLineTest {
    @TempDir
    static Path dir;

    private static Path capture;
    private static Path workload;
    private static final String HOSTILE = "ev\u001b[31mil";

    @BeforeAll
    static void write() throws Exception {
        List<ThreadInfo> threads = List.of(
                ThreadInfo.of(300, 300, 1, "web", "/tmp/web", List.of(), "/", 0, 0),
                ThreadInfo.of(301, 300, 1, "web", "/tmp/web", List.of(), "/", 0, 0),
                ThreadInfo.of(310, 310, 1, "db", "/tmp/db", List.of(), "/", 0, 0),
                ThreadInfo.of(400, 400, 1, HOSTILE, "/tmp/evil", List.of(), "/", 0, 0));
        CaptureTables tables = new CaptureTables(new MachineInfo(2, 1L << 30, 4096, "tty"), List.of(),
                List.of(new UserInfo(0, 0, "root", "/root", "/bin/bash")), List.of(new GroupInfo(0, "root")), threads, Map.of());
        List<ScapEvent> events = new ArrayList<>();
        long ts = 1_700_000_000_123_456_789L;
        for (long tid : new long[] {301, 310, 300, 301, 400}) {
            events.add(ScapEvent.builder("PPME_SYSCALL_GETUID_E", ts, tid, 1).build());
            events.add(ScapEvent.builder("PPME_SYSCALL_GETUID_X", ts + 1_000, tid, 1).num(0).build());
            ts += 1_000_000;
        }
        capture = ChiselCapture.write(dir.resolve("tty.scap"), tables, events);
        workload = ChiselCapture.write(dir.resolve("workload.scap")); // opens, reads, sockets: a full evt.info
    }

    private static void same(Path file, String... args) throws Exception {
        Pty.assertSame(dir, file, 120, 40, List.of(args));
    }

    @Test
    void defaultLineIsSysdigsColouredLine() throws Exception {
        String[] s = Pty.screens(dir, capture, 120, 40, List.of("proc.name!=" + HOSTILE));
        assertTrue(s[0].contains("\u001b[01;32mweb\u001b[00m (\u001b[01;36m300\u001b[00m.301)"), s[0]); // the fixture's
        assertEquals(s[0], s[1]);
        same(workload);
    }

    @Test
    void filterCountAndEmptyResult() throws Exception {
        same(capture, "proc.pid=300");
        same(capture, "-n", "3");
        same(capture, "-n", "2", "proc.name=db"); // -n stops at the second of the filter's events
        same(capture, "proc.name=nosuch"); // nothing printed: only the reset
    }

    @Test
    void containerAndJsonAndFormats() throws Exception {
        same(capture, "-pc", "proc.name!=" + HOSTILE);
        same(capture, "-pk", "-n", "4");
        same(capture, "-j", "proc.name!=" + HOSTILE); // proc.pid is a key on a terminal
        same(workload, "-pc");
        same(capture, "-p", "%evt.num %proc.name", "proc.name!=" + HOSTILE); // not coloured, no reset
        same(capture, "-p", "\\e[01;33m%proc.name\\e[00m %thread.tid", "proc.name!=" + HOSTILE); // the format's codes
    }

    /** The comm's escape is written escaped, the line's colour codes as sysdig writes them. */
    @Test
    void hostileNameEscaped() throws Exception {
        String[] s = Pty.screens(dir, capture, 120, 40, List.of("proc.pid=400"));
        assertTrue(s[0].contains(HOSTILE), s[0]);
        assertEquals(s[0].replace(HOSTILE, Text.safe(HOSTILE)), s[1]);
        assertFalse(s[1].contains(HOSTILE));
    }

    /** A -p format holding \e resets the colours off a terminal too (sysdig.cpp reset_colors), as sysdig does. */
    @Test
    void escapeFormatOffTerminal() throws Exception {
        List<String> args = List.of("-p", "%proc.name\\e[00m", "-n", "2");
        List<String> sysdig = new ArrayList<>(List.of("/usr/bin/sysdig", "-r", capture.toString()));
        sysdig.addAll(args);
        List<String> trace = new ArrayList<>(List.of("trace", "-r", capture.toString()));
        trace.addAll(args);
        Process p = new ProcessBuilder(sysdig).redirectErrorStream(true).start();
        String theirs = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(0, p.waitFor());
        assertTrue(theirs.endsWith("\u001b[00m"), theirs);
        Process q = new ProcessBuilder(ChildJvm.boxscope(trace.toArray(String[]::new))).start();
        String ours = new String(q.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(0, q.waitFor());
        assertEquals(theirs, ours);
    }

    /**
     * A filter error on a terminal: sysdig writes its message, then \\e[00m to standard output (sysdig.cpp: the
     * compile's exception reaches handle_end_of_file with reset_colors set, the terminal's formats holding \\e);
     * off a terminal it writes none, nor with a -p format without \\e. The build before wrote none on a terminal.
     * The messages differ (boxscope's points at the column), so the screens' ends are compared.
     */
    @Test
    void aFilterErrorOnATerminalResetsTheColours() throws Exception {
        String bad = "proc.name=(";
        for (List<String> args : List.of(List.of(bad), List.of("-pc", bad), List.of("-p", "%proc.name", bad),
                List.of("-p", "\\e[01m%proc.name", bad))) {
            List<String> sysdig = new java.util.ArrayList<>(List.of("/usr/bin/sysdig", "-r", capture.toString()));
            sysdig.addAll(args);
            List<String> trace = new java.util.ArrayList<>(List.of("trace", "-r", capture.toString()));
            trace.addAll(args);
            String theirs = Pty.run(dir, 120, 40, sysdig);
            String ours = Pty.run(dir, 120, 40, io.boxscope.cli.ChildJvm.boxscope(trace.toArray(String[]::new)));
            boolean reset = theirs.matches("(?s).*\u001b\\[00m\\[exit \\d+\\]\r\n");
            assertEquals(!args.contains("-p") || args.get(1).contains("\\e"), reset, args + ": " + theirs);
            assertEquals(reset, ours.matches("(?s).*\u001b\\[00m\\[exit 2\\]\r\n"), args + ": " + ours);
        }
    }
}
