package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.Test;

/**
 * The differences {@code probe/src/test/scripts/difffuzz.py} found between bpftrace 0.17 and us, each run
 * under live bpftrace on this machine and through our pipeline with the same program and parameters
 * (docs/probe.md, "Differential fuzzing"). Programs use BEGIN only, so each run is short.
 */
@KernelTest
class DiffFuzzFindingsTest {
    /** What bpftrace printed on standard output, its exit status and its standard error. */
    record Theirs(String out, int status, String err) {}

    static Theirs bpftrace(String program, List<String> params) throws Exception {
        Requirements.require(Requirements.run("bpftrace", "--version") == 0, "bpftrace 0.17 (Debian package bpftrace)");
        List<String> cmd = new ArrayList<>(List.of("bpftrace", "-e", program, "--"));
        cmd.addAll(params);
        Path err = java.nio.file.Files.createTempFile("bpftrace", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bpftrace finished");
            return new Theirs(new String(out, StandardCharsets.UTF_8), p.exitValue(), java.nio.file.Files.readString(err));
        } finally {
            java.nio.file.Files.delete(err);
        }
    }

    static String ours(String program, List<String> params) throws Exception {
        return Runs.run(program, new CheckOptions(false, params), false, Duration.ofSeconds(20), null, null).out();
    }

    static String refusal(String program, List<String> params) {
        ProgramException e = assertThrows(ProgramException.class,
                () -> Scripts.compile(new SourceText("stdin", program), Path.of("/sys"), new CheckOptions(false, params)));
        return e.diagnostics().getFirst().message();
    }

    /**
     * Runs {@code program} under bpftrace and through our pipeline: bpftrace must exit 0 and print {@code line} (what
     * the finding says it prints, so a bpftrace that changed fails here first), ours must print what bpftrace printed.
     * Returns bpftrace's output.
     */
    static String sameAsBpftrace(String program, List<String> params, String line) throws Exception {
        Theirs theirs = bpftrace(program, params);
        assertEquals(0, theirs.status(), theirs.err());
        assertTrue(theirs.out().contains(line), theirs.out());
        assertEquals(theirs.out(), ours(program, params));
        return theirs.out();
    }

    /**
     * bpftrace refuses {@code program} (a status other than 0) with {@code words} on its standard error; returns the
     * first diagnostic our compiler refuses it with.
     */
    static String refusedByBoth(String program, List<String> params, String words) throws Exception {
        Theirs theirs = bpftrace(program, params);
        assertNotEquals(0, theirs.status(), params + ": " + theirs.out());
        assertTrue(theirs.err().contains(words), theirs.err());
        return refusal(program, params);
    }

    /** str($1) is the parameter's text, a number's too (we read "-5" as an address and printed ""). */
    @Test
    void strOfANumericParameterIsItsText() throws Exception {
        String program = "BEGIN { printf(\"[%s][%s][%s]\\n\", str($1), str($1, 2), str($3)); @[str($2)] = count(); exit(); }";
        sameAsBpftrace(program, List.of("-5", "0x10", "hello"), "[-5][-5][hello]\n");
    }

    /** A parameter used as a number is C's strtoll(text, 0): octal 010, "+5", " 5"; we read 010 as 10. */
    @Test
    void numericParametersAreStrtollBaseZero() throws Exception {
        String program = "BEGIN { printf(\"%d %d %d %d %d\\n\", $1, $2, $3, $4, $5); @n = $1 + $6; exit(); }";
        sameAsBpftrace(program, List.of("010", "+5", " 7", "0X1f", "-0x10", "-9223372036854775807"), "8 5 7 31 -16\n");
    }

    /** A parameter that is not a number, used as one, is refused by both with the same words. */
    @Test
    void aTextParameterUsedAsANumberIsRefused() throws Exception {
        for (String param : List.of("hello", "5x", "1e3", "", "18446744073709551615")) {
            String program = "BEGIN { printf(\"[%s]\\n\", $1); exit(); }";
            String words = "$1 used numerically but given \"" + param + "\". Try using str($1).";
            assertEquals(words, refusedByBoth(program, List.of(param), words));
        }
    }

    /**
     * {@code %c} writes the argument's low byte as it is: 200 is the byte 0xc8 (not valid UTF-8 on its own, so
     * both outputs read back as U+FFFD here); we wrote U+00C8 as UTF-8 ("È"), two bytes.
     */
    @Test
    void percentCWritesTheByte() throws Exception {
        String program = "BEGIN { printf(\"%c|%3c|%-3c|%c|%c\\n\", 65, 321, 66, 200, -1); exit(); }";
        sameAsBpftrace(program, List.of(), "A|  A|B  |\uFFFD|\uFFFD\n");
    }

    /** {@code @2} is the map {@code @} followed by the integer 2 (a syntax error), not a map named "2". */
    @Test
    void aMapNameCannotStartWithADigit() throws Exception {
        String program = "BEGIN { @2 = 1; exit(); }";
        String refusal = refusedByBoth(program, List.of(), "syntax error, unexpected integer");
        assertTrue(refusal.startsWith("syntax error, unexpected integer"), refusal);
        String ok = "BEGIN { @_2 = 1; @a2 = 2; exit(); }";
        assertEquals(bpftrace(ok, List.of()).out(), ours(ok, List.of()));
    }

    /**
     * Integer literals as bpftrace 0.17's lexer and int_parser read them: separators anywhere between digits,
     * C's u/l/ll suffixes, {@code CeE} only for C <= 9 and E <= 16, no separator in hex or next to the e. We
     * refused the suffixes and {@code 1__000} and accepted {@code 1_e3}, {@code 0x1_0}, {@code 10e2}, {@code 1e17}.
     */
    @Test
    void integerLiteralsFollowTheLexer() throws Exception {
        String program = "BEGIN { printf(\"%lld %lld %lld %lld %lld %lld %lld %lld %lld\\n\", 1__000, 1u, 1ULL, 5U, 1L, 1e3u, 1e1_0, 0_10, 9e16); exit(); }";
        sameAsBpftrace(program, List.of(), "1000 1 1 5 1 1000 10000000000 8 90000000000000000\n");
        for (String refused : List.of("1_e3", "2_e3", "1e_3", "0x1_0", "0x_1", "10e2", "1e17", "08", "0x10u", "1lu")) {
            String bad = "BEGIN { printf(\"%d\\n\", " + refused + "); exit(); }";
            Theirs t = bpftrace(bad, List.of());
            assertNotEquals(0, t.status(), refused + ": " + t.out());
            assertThrows(ProgramException.class, () -> Scripts.compile(new SourceText("stdin", bad), Path.of("/sys"),
                    new CheckOptions(false, List.of())), refused);
        }
    }

    /**
     * A keyed {@code max(0)} makes an entry holding 0 (bpftrace 0.17 stores when the value is s>= the 0 a missing
     * key reads as); a negative first value makes none. We stored only values above 0 (difffuzz seed 10).
     */
    @Test
    void keyedMaxOfZeroIsAnEntry() throws Exception {
        String program = "BEGIN { @x[1] = max(0); @x[2] = max(-1); @y[1, \"a\"] = max(0); @y[2, \"b\"] = max(5); exit(); }";
        String theirs = sameAsBpftrace(program, List.of(), "@x[1]: 0\n");
        assertTrue(!theirs.contains("@x[2]"), theirs);
    }
}
