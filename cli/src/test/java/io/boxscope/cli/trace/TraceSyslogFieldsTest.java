package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the syslog class (syslog.facility, .facility.str, .severity, .severity.str, .message), evt.info of a
 * decoded write, evt.pluginname/evt.plugininfo, thread.cpu(.user/.system), proc.is_container_healthcheck (and the
 * liveness and readiness probes), container.privileged and container.mounts, and -pm, read from a capture
 * {@code trace -w} wrote of a Python workload as the installed sysdig reads it. The workload sends datagrams with
 * valid, malformed and empty priorities to a socket named .../dev/log, by send, sendto and write. sysdig decodes
 * a write(2) (no EF_MODIFIES_STATE) only after its filter ran, so a filter on syslog fields misses it while a
 * format shows it: compared too. sysdig always runs the decoder: evt.info of a decoded write, in the default line too,
 * is its "syslog sev=S msg=M". trace refused all these fields before (and -pm was a format of its own).
 */
@KernelTest
class TraceSyslogFieldsTest {
    @TempDir
    Path dir;

    /**
     * A workload that binds a datagram socket at D/dev/log (D its second argument), says ready, waits for GO (its first
     * argument) to exist, connects a second socket to it and runs {@code sends} (python lines of {@code s}, the
     * sender, and {@code log}, which must take every datagram), then closes both and sleeps 60 s (the test kills it first).
     */
    private static String syslogWorkload(String... sends) {
        List<String> lines = new java.util.ArrayList<>(List.of(
                "import os, socket, sys, time",
                "go = sys.argv[1]; d = sys.argv[2]",
                "os.makedirs(d + '/dev')",
                "log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); log.bind(d + '/dev/log')",
                "print('ready', flush=True)",
                "while not os.path.exists(go): time.sleep(0.02)",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.connect(d + '/dev/log')"));
        lines.addAll(List.of(sends));
        lines.addAll(List.of("s.close(); log.close()", "time.sleep(60)", ""));
        return String.join("\n", lines);
    }

    private static final String WORKLOAD = syslogWorkload(
            "for m in (b'<13>syslog msg', b'<191>debug local7', b'<abc>bad', b'<>x', b'no pri', b'<3>', b'<99999>high'):",
            "    s.send(m)",
            "s.sendto(b'<14>again', d + '/dev/log'); os.write(s.fileno(), b'<165>via write')",
            "for i in range(9): log.recv(100)");

    @Test
    void syslogAndStateFieldsAreWhatSysdigReads() throws Exception {
        Path script = dir.resolve("syslog.py");
        Files.writeString(script, WORKLOAD);
        Path go = dir.resolve("go");
        Path work = dir.resolve("d");
        try (PythonCapture child = PythonCapture.start(script.toString(), go.toString(), work.toString())) {
            Path file = dir.resolve("cap.scap");
            child.write(file, go, "-M", "10");

            String fmt = "*%evt.num %evt.type %evt.dir [%syslog.facility %syslog.facility.str %syslog.severity "
                    + "%syslog.severity.str] {%syslog.message} I=%evt.info";
            // sysdig, the oracle, decoded the workload's messages: user.notice, local7.debug, an empty err, the
            // write's local4.notice; and not the malformed ones
            String sysdig = TraceReadFilterTest.sysdigRead(file, List.of("-p", fmt));
            assertTrue(sysdig.contains(" sendto < [1 user 5 notice] {syslog msg} I=syslog sev=notice msg=syslog msg"), sysdig);
            assertTrue(sysdig.contains(" sendto < [23 local7 7 debug] {debug local7} "), sysdig);
            assertTrue(sysdig.contains(" sendto < [0 kern 3 err] {} I=syslog sev=err msg="), sysdig);
            assertTrue(sysdig.contains(" write < [20 local4 5 notice] {via write} "), sysdig);
            assertTrue(sysdig.contains("I=res=8 data=<abc>bad"), sysdig);

            String all = "*%evt.num [%evt.pluginname] [%evt.plugininfo] %thread.cpu %thread.cpu.user %thread.cpu.system "
                    + "%proc.is_container_healthcheck %proc.is_container_liveness_probe %proc.is_container_readiness_probe "
                    + "%container.privileged [%container.mounts]";
            TraceReadFilterTest.assertSameAsSysdig(file, List.of(
                    List.of("-p", fmt),
                    List.of("-j", "-p", fmt),
                    List.of("syslog.severity >= 5"),
                    List.of("-p", "%evt.num %syslog.message", "syslog.facility.str = user or syslog.message contains high"),
                    List.of("-p", "*%evt.num %evt.type", "syslog.facility exists and not syslog.severity.str in (debug, err)"),
                    List.of("-p", all),
                    List.of("-j", "-p", all),
                    List.of("-p", "*%evt.num", "evt.pluginname exists or evt.plugininfo exists or thread.cpu exists"),
                    List.of("-p", "*%evt.num", "proc.is_container_healthcheck = true or container.privileged = true"),
                    List.of("-p", "*%evt.num", "container.mounts exists"),
                    List.of("-pm", "-n", "20"),
                    List.of(),
                    List.of("-pmesos", "-n", "5")));
        }
    }

    /**
     * A message whose bytes are not UTF-8 ({@code <13>caf\xc3\xa9 \xff\xfe raw}) keeps them: sysdig prints the bytes, trace
     * printed U+FFFD for each. trace shows each such byte as {@code \xNN} (a line with a byte that is not UTF-8 is
     * escaped as a line with a control character is, docs/trace.md "backslashes"), so its line is sysdig's with those
     * bytes escaped; the message's é, valid UTF-8, is as sysdig prints it.
     */
    @Test
    void aMessageThatIsNotUtf8KeepsItsBytes() throws Exception {
        String workload = syslogWorkload("s.send(b'<13>caf\\xc3\\xa9 \\xff\\xfe raw'); log.recv(100)");
        Path script = dir.resolve("raw.py");
        Files.writeString(script, workload);
        Path go = dir.resolve("go");
        try (PythonCapture child = PythonCapture.start(script.toString(), go.toString(), dir.resolve("d").toString())) {
            Path file = dir.resolve("raw.scap");
            child.write(file, go, "-M", "5");
            List<String> args = List.of("-p", "%evt.num {%syslog.message} I=%evt.info", "evt.type=sendto and evt.dir=<");
            byte[] theirs = SysdigRead.bytes(file, args.toArray(String[]::new));
            String raw = new String(theirs, StandardCharsets.ISO_8859_1); // one char per byte: the bytes as they are
            assertTrue(raw.contains("{caf\u00c3\u00a9 \u00ff\u00fe raw} I=syslog sev=notice msg=caf\u00c3\u00a9 \u00ff\u00fe raw\n"),
                    raw);
            List<String> cli = new java.util.ArrayList<>(List.of("trace", "-r", file.toString()));
            cli.addAll(args);
            Cli ours = Cli.run(cli.toArray(String[]::new));
            assertEquals(0, ours.code(), ours.err());
            StringBuilder want = new StringBuilder();
            for (String line : raw.split("\n")) {
                want.append(io.boxscope.cli.Text.safeVerbatimWhenPlain(
                        io.boxscope.proc.RawText.decode(line.getBytes(StandardCharsets.ISO_8859_1)))).append('\n');
            }
            assertEquals(want.toString(), ours.out());
            assertTrue(ours.out().contains("{caf\u00e9 \\xff\\xfe raw} I=syslog sev=notice msg=caf\u00e9 \\xff\\xfe raw\n"), ours.out());
        }
    }

    /** sysdig 0.29's -pp prints the default format (the plain one when standard output is not a terminal) and exits 0. */
    @Test
    void ppPrintsTheDefaultFormat() throws Exception {
        String sysdig = TraceReadFilterTest.sysdig("-pp");
        Cli ours = Cli.run("trace", "-pp");
        assertEquals(0, ours.code(), ours.err());
        assertEquals(sysdig, ours.out());
        assertEquals("*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info\n", ours.out());
    }

    /**
     * sysdig 0.29's -pp prints the format as the options before it left it (sysdig.cpp: getopt reaches -pp after the -p
     * options before it, and prints output_format as typed, its \\e unread): a -p FORMAT, -pc's, -pk's, -pm's line, the
     * last one given; the options after -pp are not read. The build before printed the default format for each.
     */
    @Test
    void ppPrintsTheFormatSetBeforeIt() throws Exception {
        List<List<String>> runs = List.of(List.of("-p", "%proc.name %fd.name", "-pp"), List.of("-pc", "-pp"),
                List.of("-pk", "-pp"), List.of("-pmesos", "-pp"), List.of("-pc", "-p", "\\e[01m%evt.type\\e[00m", "-pp"),
                List.of("-p", "%evt.num", "-pp", "-p", "%proc.name"), List.of("-pp", "-pc"));
        for (List<String> args : runs) {
            String sysdig = TraceReadFilterTest.sysdig(args.toArray(String[]::new));
            List<String> trace = new java.util.ArrayList<>(List.of("trace"));
            trace.addAll(args);
            Cli ours = Cli.run(trace.toArray(String[]::new));
            assertEquals(0, ours.code(), args + ": " + ours.err());
            assertEquals(sysdig, ours.out(), args.toString());
        }
        assertEquals("%proc.name %fd.name\n", Cli.run("trace", "-p", "%proc.name %fd.name", "-pp").out());
    }

    /**
     * A live {@code -w} capture on a terminal ends with \\e[00m on standard output, as sysdig's live loop ends in
     * handle_end_of_file with reset_colors set (sysdig.cpp 0.29.3: the terminal's plugin format holds \\e); off a
     * terminal, and with a -p format without \\e, nothing. sysdig cannot capture on this machine, so the expectation is
     * its code's. The build before wrote nothing on a terminal.
     */
    @Test
    void aLiveWriteOnATerminalResetsTheColours(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("live.scap");
        String screen = Pty.run(dir, 120, 40, io.boxscope.cli.ChildJvm.boxscope("trace", "-M", "1", "-w", file.toString(), "proc.pid=1"));
        // written when the capture ends, before the closing lines a busy machine may add on standard error (drops)
        assertTrue(screen.startsWith("\u001b[00m") && screen.endsWith("[exit 0]\r\n"), screen);
        String plain = Pty.run(dir, 120, 40, io.boxscope.cli.ChildJvm.boxscope("trace", "-M", "1", "-p", "%proc.name", "-w",
                file.toString(), "proc.pid=1"));
        assertTrue(!plain.contains("\u001b") && plain.endsWith("[exit 0]\r\n"), plain);
        Cli off = Cli.run("trace", "-M", "1", "-w", file.toString(), "proc.pid=1");
        assertEquals(0, off.code(), off.err());
        assertEquals("", off.out());
    }
}
