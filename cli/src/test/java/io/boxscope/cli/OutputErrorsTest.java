package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10, section 3: standard output's errors are checked. PrintStream and PrintWriter swallow
 * them, so these run a second JVM through the real entry point with its standard output on
 * /dev/full or a pipe that the reader closes.
 */
class OutputErrorsTest {
    @TempDir
    Path dir;

    @Test
    void jsonToAFullDeviceFails() throws Exception {
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(ChildJvm.boxscope("--json", "mem", "top"))
                .redirectOutput(new File("/dev/full")).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "mem top did not end");
        String text = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(ExitCode.FAILURE, p.exitValue(), text);
        assertTrue(text.startsWith("boxscope: cannot write standard output: No space left on device"), text);
    }

    @Test
    void textToAFullDeviceFails() throws Exception {
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(ChildJvm.boxscope("containers"))
                .redirectOutput(new File("/dev/full")).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "containers did not end");
        assertEquals(ExitCode.FAILURE, p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** {@code boxscope syscount -i 1 | head -1}: once the reader is gone, the next report ends the command. */
    @Test
    @KernelTest
    void syscountEndsWhenThePipeCloses() throws Exception {
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(ChildJvm.boxscope("syscount", "-i", "1")).redirectError(err.toFile()).start();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            assertTrue(first != null && first.startsWith("Tracing syscalls"), first + Files.readString(err));
            in.close(); // as head -1 exits: the next write gets EPIPE
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "syscount kept running with nobody reading");
            assertEquals(ExitCode.OK, p.exitValue(), "a closed pipe is the reader's normal end, not a failure");
            assertEquals("", Files.readString(err, StandardCharsets.UTF_8), "a closed pipe is not an error to print");
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * The start of a {@code bash -c} line that runs {@code command} under {@code set -o pipefail} (as scripts do), each
     * word single-quoted for the shell; the pipe and its reader follow.
     */
    private static StringBuilder pipefail(List<String> command) {
        StringBuilder line = new StringBuilder("set -o pipefail; ");
        for (String a : command) {
            line.append('\'').append(a.replace("'", "'\\''")).append("' ");
        }
        return line;
    }

    /** {@link ChildJvm#boxscope} with an absolute class path, for a child that runs in another directory. */
    private static List<String> boxscopeAnywhere(String... args) {
        List<String> cmd = new ArrayList<>(ChildJvm.boxscope(args));
        int cp = cmd.indexOf("-cp") + 1;
        cmd.set(cp, Arrays.stream(cmd.get(cp).split(File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator)));
        return cmd;
    }

    private static final Path FIXTURE = Path.of("..", "trace", "src", "test", "resources", "io", "boxscope", "trace", "scap",
            "midstream-container.scap").toAbsolutePath().normalize();

    /** What {@code sysdig -r FILE} prints of a capture file (the oracle for what {@code -w -} wrote). */
    private static String sysdigRead(Path file) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/sysdig", "-r", file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "sysdig -r " + file);
        return out;
    }

    /**
     * {@code trace -r FILE -w -} writes the capture to standard output, as sysdig takes {@code -} (sysdig -r F -w - |
     * xxd starts 0a0d 0d0a); trace wrote a file named {@code -}. What it wrote reads, with sysdig, as the file read
     * does; with standard output on /dev/full it fails with exit 1 and says so; {@code -r -} is refused as sysdig refuses
     * it (sysdig: "can't open file -", status 1), with no file named {@code -} made either way.
     */
    @Test
    void traceWriteDashWritesTheCaptureToStandardOutput() throws Exception {
        Path out = dir.resolve("out.scap");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(boxscopeAnywhere("trace", "-r", FIXTURE.toString(), "-w", "-")).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "trace -r -w - did not end");
        assertEquals(ExitCode.OK, p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
        assertTrue(Files.notExists(dir.resolve("-")), "a file named - was written");
        byte[] b = Files.readAllBytes(out);
        assertTrue(b.length > 4 && b[0] == 0x0a && b[1] == 0x0d && b[2] == 0x0d && b[3] == 0x0a, "not a capture: " + b.length + " bytes");
        assertEquals(sysdigRead(FIXTURE), sysdigRead(out));

        Process full = new ProcessBuilder(boxscopeAnywhere("trace", "-r", FIXTURE.toString(), "-w", "-")).directory(dir.toFile())
                .redirectOutput(new File("/dev/full")).redirectError(err.toFile()).start();
        assertTrue(full.waitFor(60, TimeUnit.SECONDS), "trace -w - > /dev/full did not end");
        String said = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(ExitCode.FAILURE, full.exitValue(), said);
        assertTrue(said.startsWith("boxscope: cannot write standard output: "), said);
        assertTrue(Files.notExists(dir.resolve("-")), "a file named - was written");

        Process stdin = new ProcessBuilder(boxscopeAnywhere("trace", "-r", "-")).directory(dir.toFile())
                .redirectInput(FIXTURE.toFile()).redirectError(err.toFile()).start();
        assertTrue(stdin.waitFor(60, TimeUnit.SECONDS), "trace -r - did not end");
        assertEquals(ExitCode.FAILURE, stdin.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * {@code boxscope trace -w - | head -c 100} under {@code set -o pipefail}: the live capture goes to standard output
     * and ends at its next write once head has gone, status 0, nothing said; it ran until the test's timeout and left
     * a file named {@code -} of hundreds of MB.
     */
    @Test
    @KernelTest
    void traceWriteDashIntoHeadEndsWithStatusZero() throws Exception {
        Path err = dir.resolve("err");
        StringBuilder line = pipefail(boxscopeAnywhere("trace", "-w", "-"));
        line.append("| head -c 100 | od -An -tx1 -N4; echo \"status $?\"");
        Process p = new ProcessBuilder("bash", "-c", line.toString()).directory(dir.toFile()).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "trace -w - kept running with nobody reading");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String said = Files.readString(err, StandardCharsets.UTF_8);
            assertEquals(" 0a 0d 0d 0a\nstatus 0\n", out, said);
            assertTrue(said.lines().noneMatch(l -> l.contains("pipe") || l.contains("standard output") || l.contains("Exception")), said);
            assertTrue(Files.notExists(dir.resolve("-")), "a file named - was written");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /**
     * Through a real shell pipe into {@code head -1}, under {@code set -o pipefail} as scripts run: the command stops
     * once the reader is gone, prints nothing on standard error, and the pipeline's status is 0 (bpftrace and
     * libbpf-tools die of SIGPIPE there, status 141, which fails such a script). The streaming probe run would print
     * forever if the closed pipe did not end it (the test's timeout).
     */
    /**
     * Commands that write once, then run long: with the reader gone before their next write ({@code | true} closes the
     * pipe at once; {@code | head -1} after diagnose's first line) they end there, not when their duration ends
     * (300 s: the test's timeout is the failure), quietly and with status 0 under {@code set -o pipefail}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"profile 300|true", "offcputime 300|true",
            "diagnose SELF --no-ebpf --duration 300s --interval 1s|head -1"})
    @KernelTest
    void aClosedPipeEndsALongRunAtItsNextWrite(String commandAndReader) throws Exception {
        String[] parts = commandAndReader.split("\\|");
        String self = Long.toString(ProcessHandle.current().pid());
        Path err = dir.resolve("err");
        StringBuilder line = pipefail(ChildJvm.boxscope(parts[0].replace("SELF", self).split(" ")));
        line.append("| ").append(parts[1]).append(" >/dev/null; echo \"status $?\"");
        Process p = new ProcessBuilder("bash", "-c", line.toString()).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), parts[0] + " kept running with nobody reading");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String said = Files.readString(err, StandardCharsets.UTF_8);
            assertEquals("status 0\n", out, said);
            assertTrue(said.lines().noneMatch(l -> l.contains("pipe") || l.contains("standard output") || l.contains("Exception")), said);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /**
     * The closed pipe is recognised in any locale: the JDK's message is strerror(3) in the process's locale
     * ("Datenübergabe unterbrochen (broken pipe)" under de_DE.UTF-8), which the old check by the C text took for a
     * lost output (exit 1, said). The locale is compiled with localedef(1) into a temporary LOCPATH, as glibc reads
     * it there (locale(7)); glibc's German messages are libc.mo. A write error that is not a closed pipe is still said.
     */
    @Test
    @KernelTest
    void aClosedPipeIsRecognisedUnderAGermanLocale() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/share/locale/de/LC_MESSAGES/libc.mo"))
                && Files.isRegularFile(Path.of("/usr/share/i18n/locales/de_DE")), "no German glibc messages or locale source");
        Path locales = Files.createDirectory(dir.resolve("locales"));
        Process def = new ProcessBuilder("localedef", "-i", "de_DE", "-f", "UTF-8", locales.resolve("de_DE.UTF-8").toString())
                .redirectErrorStream(true).start();
        String defSaid = new String(def.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(def.waitFor() == 0, "localedef could not compile de_DE.UTF-8: " + defSaid);
        Path err = dir.resolve("err");
        StringBuilder line = pipefail(ChildJvm.boxscope("probe", "-l"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line + "| head -1 >/dev/null; echo \"status $?\"").redirectError(err.toFile());
        pb.environment().put("LOCPATH", locales.toString());
        pb.environment().put("LC_ALL", "de_DE.UTF-8");
        pb.environment().put("LANG", "de_DE.UTF-8");
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe -l kept running with nobody reading");
            String said = Files.readString(err, StandardCharsets.UTF_8);
            assertEquals("status 0\n", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8), said);
            assertTrue(said.lines().noneMatch(l -> l.contains("pipe") || l.contains("standard output")), said);
        } finally {
            p.destroyForcibly();
        }
        // the locale took: /dev/full's error is said, in German
        ProcessBuilder full = new ProcessBuilder(ChildJvm.boxscope("containers")).redirectOutput(new File("/dev/full"))
                .redirectError(err.toFile());
        full.environment().putAll(pb.environment());
        Process f = full.start();
        assertTrue(f.waitFor(60, TimeUnit.SECONDS), "containers did not end");
        String said = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(ExitCode.FAILURE, f.exitValue(), said);
        // other notices may come first (processes that exited during the scan)
        assertTrue(said.lines().anyMatch(l -> l.startsWith("boxscope: cannot write standard output: ")) && !said.contains("No space left"),
                said);
    }

    /**
     * The same for {@code boxscope trace | head -1} (the live capture printed events, then returned 1 on the closed
     * pipe: a script under pipefail failed) and {@code boxscope trace -c topscalls | head -1} (counted in the kernel,
     * its stop condition never asked whether standard output failed, so it printed tables into the closed pipe until
     * Ctrl-C: the test's timeout).
     */
    @ParameterizedTest
    @ValueSource(strings = {"probe -l", "probe -e interval:ms:10{printf(\"x\\n\");}", "probe -f json -e interval:ms:10{printf(\"x\\n\");}",
            "trace", "trace -c topscalls"})
    @KernelTest
    void aPipeIntoHeadEndsTheCommandWithStatusZero(String command) throws Exception {
        Path err = dir.resolve("err");
        StringBuilder line = pipefail(ChildJvm.boxscope(command.split(" ")));
        line.append("| head -1 >/dev/null; echo \"status $?\"");
        Process p = new ProcessBuilder("bash", "-c", line.toString()).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), command + " kept running with nobody reading");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String said = Files.readString(err, StandardCharsets.UTF_8);
            assertEquals("status 0\n", out, said);
            // probe -l's own notices (hardware probes not listed...) may be there; nothing about the pipe
            assertTrue(said.lines().noneMatch(l -> l.contains("pipe") || l.contains("standard output") || l.contains("Exception")), said);
        } finally {
            p.destroyForcibly();
        }
    }
}
