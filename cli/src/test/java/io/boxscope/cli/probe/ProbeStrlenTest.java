package io.boxscope.cli.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.cli.UsageException;
import io.boxscope.testkit.Bpftrace;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code BPFTRACE_STRLEN}: the bytes {@code str()} reads, read from the environment as bpftrace 0.17 reads it, compared
 * with bpftrace itself on this machine: the values it refuses (its first error line is ours), the size {@code -d}
 * types {@code str()} with for the values it takes, and what a program prints for a path longer than the limit.
 */
@KernelTest
class ProbeStrlenTest {
    @TempDir
    Path dir;

    /** bpftrace 0.17 with BPFTRACE_STRLEN set to {@code strlen} (unset when null). */
    private static Bpftrace.Ran bpftrace(String strlen, String... args) throws Exception {
        return Bpftrace.run(strlen == null ? java.util.Map.of() : java.util.Map.of("BPFTRACE_STRLEN", strlen), List.of(args));
    }

    /** Values bpftrace 0.17 refuses: the same words (its first line), and a usage error here. */
    @Test
    void refusedValuesSayWhatBpftraceSays() throws Exception {
        for (String v : new String[] {"201", "-1", "abc", "", "99999999999999999999", "1000"}) {
            Bpftrace.Ran r = bpftrace(v, "-e", "BEGIN { exit(); }");
            assertEquals(1, r.code(), "bpftrace refuses BPFTRACE_STRLEN='" + v + "': " + r.err());
            String first = r.err().lines().filter(l -> l.startsWith("ERROR: ")).findFirst().orElseThrow().substring(7);
            UsageException e = assertThrows(UsageException.class, () -> ProbeCommand.strlen(v), v);
            assertTrue(e.getMessage().startsWith(first), "'" + v + "': bpftrace says " + first + "; we say " + e.getMessage());
        }
    }

    /** Values bpftrace 0.17 takes (leading blanks, trailing junk): str() is typed string[N] for the same N. */
    @Test
    void acceptedValuesGiveStrTheSameSizeAsBpftrace() throws Exception {
        Pattern type = Pattern.compile("call: str :: type\\[string\\[(\\d+)\\]");
        for (String v : new String[] {"1", "12x", " 100", "+7", "200"}) {
            Bpftrace.Ran r = bpftrace(v, "-d", "-e", "BEGIN { $s = str(0); }");
            assertEquals(0, r.code(), "bpftrace -d with BPFTRACE_STRLEN='" + v + "': " + r.err());
            Matcher m = type.matcher(r.out());
            assertTrue(m.find(), r.out());
            int strlen = ProbeCommand.strlen(v);
            assertEquals(Integer.parseInt(m.group(1)), strlen, v);
            StringWriter out = new StringWriter(), err = new StringWriter();
            assertEquals(0, ProbeCheck.run("BEGIN { $s = str(0); }", null, List.of(), false, strlen, Path.of("/sys"),
                    new PrintWriter(out), new PrintWriter(err)), err.toString());
            assertTrue(out.toString().contains("string[" + strlen + "]"), out.toString());
        }
        assertEquals(64, ProbeCommand.strlen(null), "unset: bpftrace's 64");
    }

    /**
     * A 200-byte path opened by {@code head -c0}: with BPFTRACE_STRLEN=100 both print its first 99 bytes for
     * {@code str(p)} and for {@code str(p, 150)} (shortened to the limit), with {@code sizeof} 100; {@code comm} keeps
     * its 16 bytes.
     */
    @Test
    void aLongPathIsCutWhereBpftraceCutsIt() throws Exception {
        Path d = dir.resolve("a".repeat(90)).resolve("b".repeat(80));
        Files.createDirectories(d);
        Path file = Files.writeString(d.resolve("file.txt"), "x");
        // no strncmp in the program: with two 100-byte strings bpftrace 0.17 runs out of stack; the lines are filtered here
        String program = "tracepoint:syscalls:sys_enter_openat /pid == cpid/ { $s = str(args->filename);"
                + " printf(\"%d %d %s|%s\\n\", sizeof($s), sizeof(comm), $s, str(args->filename, 150)); }";
        String command = "/usr/bin/head -c0 " + file;
        Bpftrace.Ran theirs = bpftrace("100", "-c", command, "-e", program);
        assertEquals(0, theirs.code(), theirs.err());
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = ProbeRun.run(new ProbeRun.Options(program, null, false, false, false, null, false, List.of(), io.boxscope.proc.HostPaths.DEFAULT,
                command, null, null, false, io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_MAP_KEYS,
                io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_RING_BYTES, ProbeCommand.strlen("100")),
                new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        String cut = file.toString().substring(0, 99);
        List<String> expected = theirs.out().lines().filter(l -> l.contains(dir.toString())).toList();
        assertEquals(List.of("100 16 " + cut + "|" + cut), expected, theirs.out());
        assertEquals(expected, out.toString().lines().filter(l -> l.contains(dir.toString())).toList(), out.toString());
        assertTrue(out.toString().startsWith("Attaching 1 probe...\n"), out.toString());
    }

    /** bpftrace's buf() warning as {@code stdin:LINE:COL: warning: WORDS}, the form we print it in (its span end dropped). */
    private static String bufWarning(String bpftraceErr) {
        Matcher m = Pattern.compile("(?m)^(stdin:\\d+:\\d+)-\\d+: WARNING: (buf\\(\\) .*)$").matcher(bpftraceErr);
        assertTrue(m.find(), "bpftrace warns about buf(): " + bpftraceErr);
        return m.group(1) + ": warning: " + m.group(2) + "\n";
    }

    /**
     * {@code buf(p, N)} with N above BPFTRACE_STRLEN: bpftrace 0.17 warns (same words, same place) and reads
     * BPFTRACE_STRLEN bytes; so does boxscope, with the default 64 in BEGIN and with 100 on a tracepoint's argument.
     */
    @Test
    void aBufLongerThanTheLimitIsShortenedWithBpftracesWarning() throws Exception {
        String begin = "BEGIN { printf(\"%r|\\n\", buf(\"abc\", 100)); exit(); }";
        Bpftrace.Ran theirs = bpftrace(null, "-e", begin);
        assertEquals(0, theirs.code(), theirs.err());
        assertTrue(theirs.out().contains("abc" + "\\x00".repeat(61) + "|\n"), "bpftrace reads 64 bytes: " + theirs.out());
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = ProbeRun.run(new ProbeRun.Options(begin, null, false, false, false, null, false, List.of(), io.boxscope.proc.HostPaths.DEFAULT,
                null, null, null, false, io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_MAP_KEYS,
                io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_RING_BYTES, ProbeCommand.strlen(null)),
                new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        assertEquals(theirs.out(), out.toString());
        assertTrue(err.toString().contains(bufWarning(theirs.err())), err.toString());

        Path d = dir.resolve("c".repeat(120));
        Files.createDirectories(d);
        Path file = Files.writeString(d.resolve("file.txt"), "x");
        String program = "tracepoint:syscalls:sys_enter_openat /pid == cpid/ { printf(\"%r|\\n\", buf(args->filename, 150)); }";
        String command = "/usr/bin/head -c0 " + file;
        theirs = bpftrace("100", "-c", command, "-e", program);
        assertEquals(0, theirs.code(), theirs.err());
        List<String> expected = theirs.out().lines().filter(l -> l.contains(dir.toString())).toList();
        assertEquals(List.of(file.toString().substring(0, 100) + "|"), expected, theirs.out());
        out = new StringWriter();
        err = new StringWriter();
        code = ProbeRun.run(new ProbeRun.Options(program, null, false, false, false, null, false, List.of(), io.boxscope.proc.HostPaths.DEFAULT,
                command, null, null, false, io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_MAP_KEYS,
                io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_RING_BYTES, ProbeCommand.strlen("100")),
                new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        assertEquals(expected, out.toString().lines().filter(l -> l.contains(dir.toString())).toList(), out.toString());
        assertTrue(err.toString().contains(bufWarning(theirs.err())), err.toString());
    }
}
