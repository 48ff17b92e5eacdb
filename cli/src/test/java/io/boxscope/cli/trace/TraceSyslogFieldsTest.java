package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
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

    private static final String WORKLOAD = String.join("\n",
            "import os, socket, sys, time",
            "go = sys.argv[1]; d = sys.argv[2]",
            "os.makedirs(d + '/dev')",
            "log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); log.bind(d + '/dev/log')",
            "print('ready', flush=True)",
            "while not os.path.exists(go): time.sleep(0.02)",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.connect(d + '/dev/log')",
            "for m in (b'<13>syslog msg', b'<191>debug local7', b'<abc>bad', b'<>x', b'no pri', b'<3>', b'<99999>high'):",
            "    s.send(m)",
            "s.sendto(b'<14>again', d + '/dev/log'); os.write(s.fileno(), b'<165>via write')",
            "for i in range(9): log.recv(100)",
            "s.close(); log.close()",
            "time.sleep(60)", "");

    @Test
    void syslogAndStateFieldsAreWhatSysdigReads() throws Exception {
        Path script = dir.resolve("syslog.py");
        Files.writeString(script, WORKLOAD);
        Path go = dir.resolve("go");
        Path work = dir.resolve("d");
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process child = new ProcessBuilder(python, script.toString(), go.toString(), work.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", in.readLine());
            Path file = dir.resolve("cap.scap");
            AtomicReference<Cli> result = new AtomicReference<>();
            Thread t = new Thread(() -> result.set(Cli.run("trace", "-M", "10", "-w", file.toString(), "proc.pid=" + child.pid())));
            t.start();
            TraceLiveCommandTest.awaitAttached();
            Files.createFile(go);
            t.join(60_000);
            assertEquals(0, result.get().code(), result.get().err());

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
        } finally {
            child.destroyForcibly();
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
        String workload = String.join("\n",
                "import os, socket, sys, time",
                "go = sys.argv[1]; d = sys.argv[2]",
                "os.makedirs(d + '/dev')",
                "log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); log.bind(d + '/dev/log')",
                "print('ready', flush=True)",
                "while not os.path.exists(go): time.sleep(0.02)",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.connect(d + '/dev/log')",
                "s.send(b'<13>caf\\xc3\\xa9 \\xff\\xfe raw'); log.recv(100)",
                "s.close(); log.close()",
                "time.sleep(60)", "");
        Path script = dir.resolve("raw.py");
        Files.writeString(script, workload);
        Path go = dir.resolve("go");
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process child = new ProcessBuilder(python, script.toString(), go.toString(), dir.resolve("d").toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", in.readLine());
            Path file = dir.resolve("raw.scap");
            AtomicReference<Cli> result = new AtomicReference<>();
            Thread t = new Thread(() -> result.set(Cli.run("trace", "-M", "5", "-w", file.toString(), "proc.pid=" + child.pid())));
            t.start();
            TraceLiveCommandTest.awaitAttached();
            Files.createFile(go);
            t.join(60_000);
            assertEquals(0, result.get().code(), result.get().err());
            List<String> args = List.of("-p", "%evt.num {%syslog.message} I=%evt.info", "evt.type=sendto and evt.dir=<");
            List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/sysdig", "-r", file.toString()));
            cmd.addAll(args);
            Process sysdig = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] theirs = sysdig.getInputStream().readAllBytes();
            assertTrue(sysdig.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
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
        } finally {
            child.destroyForcibly();
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
}
