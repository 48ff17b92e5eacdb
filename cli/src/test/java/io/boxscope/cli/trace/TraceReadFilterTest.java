package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.boxscope.cli.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code boxscope trace -r FILE FILTER} prints the lines {@code sysdig -r FILE FILTER} prints, byte for
 * byte, for the filter branch's corpus (trace's eval/expected.tsv) on its real capture (eval/capture.scap:
 * a shell forks, cat opens, reads, writes, fails an open, connects over TCP). sysdig 0.29 is the oracle
 * and must be installed (scripts/setup-env); the test fails without it.
 */
class TraceReadFilterTest {
    /** The filter branch's fixtures, shared rather than copied (surefire runs in the cli module's folder). */
    static final Path EVAL = Path.of("..", "trace", "src", "test", "resources", "io", "boxscope", "trace", "filter", "eval");

    @TempDir
    Path dir;

    static Path capture() {
        Path p = EVAL.resolve("capture.scap");
        assertTrue(Files.isRegularFile(p), "the eval capture is at " + p.toAbsolutePath());
        return p;
    }

    /** What {@code sysdig -r FILE ARGS} prints. */
    static String sysdigRead(Path file, List<String> args) throws Exception {
        List<String> a = new ArrayList<>(List.of("-r", file.toString()));
        a.addAll(args);
        return sysdig(a.toArray(String[]::new));
    }

    /** What {@code boxscope trace -r FILE ARGS} prints; it must exit 0. */
    static String oursRead(Path file, List<String> args) {
        List<String> a = new ArrayList<>(List.of("trace", "-r", file.toString()));
        a.addAll(args);
        Cli ours = Cli.run(a.toArray(String[]::new));
        assertEquals(0, ours.code(), ours.err());
        return ours.out();
    }

    /** {@code trace -r FILE ARGS} prints what {@code sysdig -r FILE ARGS} prints, for each of {@code argLists}. */
    static void assertSameAsSysdig(Path file, List<List<String>> argLists) throws Exception {
        for (List<String> args : argLists) {
            assertEquals(sysdigRead(file, args), oursRead(file, args), args.toString());
        }
    }

    static String sysdig(String... args) throws Exception {
        Path sysdig = Path.of("/usr/bin/sysdig");
        if (!Files.isExecutable(sysdig)) {
            fail("sysdig is not installed: run scripts/setup-env (Debian package sysdig 0.29)");
        }
        List<String> cmd = new ArrayList<>(List.of(sysdig.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("TZ", TimeZone.getDefault().getID());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process proc = pb.start();
        byte[] out = proc.getInputStream().readAllBytes();
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, proc.exitValue(), "sysdig " + cmd);
        return new String(out, StandardCharsets.UTF_8);
    }

    /**
     * Every filter of expected.tsv on which sysdig and boxscope agree by design. The lines where they
     * differ are documented sysdig 0.29 bugs boxscope does not copy (expected.tsv's header, docs/trace.md:
     * "in" on a non-string field loses the field's argument; fd.ip/fd.port/fd.net on a socket whose role
     * is not settled): those are left out here and checked, as selections, by trace's ScapFieldsTest.
     */
    @Test
    void printsWhatSysdigPrintsForEveryCorpusFilter() throws Exception {
        Path cap = capture();
        List<String> wrong = new ArrayList<>();
        int compared = 0;
        for (String line : Files.readAllLines(EVAL.resolve("expected.tsv"), StandardCharsets.UTF_8)) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", 3);
            if (!f[1].equals("=")) {
                continue; // a documented sysdig bug (see above)
            }
            Cli ours = Cli.run("trace", "-r", cap.toString(), f[2]);
            String theirs = sysdig("-r", cap.toString(), f[2]);
            compared++;
            if (ours.code() != 0 || !ours.out().equals(theirs)) {
                wrong.add("[" + f[2] + "] exit " + ours.code() + " " + ours.err() + "\n--- sysdig\n" + theirs + "--- boxscope\n" + ours.out());
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(compared > 150, "compared " + compared);
    }

    @Test
    void filterWordsAreJoinedWithSpacesAsSysdigDoes() throws Exception {
        Path cap = capture();
        Cli ours = Cli.run("trace", "-r", cap.toString(), "proc.name=cat", "and", "evt.type", "in", "(openat,", "close)");
        assertEquals(0, ours.code(), ours.err());
        assertEquals(sysdig("-r", cap.toString(), "proc.name=cat", "and", "evt.type", "in", "(openat,", "close)"), ours.out());
        assertEquals(8, ours.out().lines().count(), ours.out());
    }

    @Test
    void failedOpenIsTheOneFailedOpenat() throws Exception {
        Cli ours = Cli.run("trace", "-r", capture().toString(), "evt.failed=true and evt.type=openat");
        assertEquals(0, ours.code(), ours.err());
        List<String> lines = ours.out().lines().toList();
        assertEquals(1, lines.size(), ours.out());
        assertTrue(lines.get(0).contains("< openat fd=-2(ENOENT) dirfd=-100(AT_FDCWD) name=/nonexistent "), lines.get(0));
        Cli failed = Cli.run("trace", "-r", capture().toString(), "evt.failed=true");
        assertEquals(sysdig("-r", capture().toString(), "evt.failed=true"), failed.out());
        assertTrue(failed.out().contains("< read res=-11(EAGAIN) data= "), failed.out());
    }

    /** sysdig 0.29's -n counts the events that pass the filter, not the events read. */
    @Test
    void countCountsMatchingEvents() throws Exception {
        Path cap = capture();
        Cli ours = Cli.run("trace", "-r", cap.toString(), "-n", "3", "evt.type=openat");
        assertEquals(0, ours.code(), ours.err());
        assertEquals(3, ours.out().lines().count(), ours.out());
        assertEquals(sysdig("-r", cap.toString(), "-n", "3", "evt.type=openat"), ours.out());
    }

    /** sysdig -r IN -w OUT FILTER writes only the matching events (no state-only events): so do we. */
    @Test
    void writeKeepsOnlyMatchingEvents() throws Exception {
        Path cap = capture();
        Path mine = dir.resolve("mine.scap");
        Path theirs = dir.resolve("theirs.scap");
        Cli ours = Cli.run("trace", "-r", cap.toString(), "-w", mine.toString(), "evt.type=openat or proc.name=bash");
        assertEquals(0, ours.code(), ours.err());
        sysdig("-r", cap.toString(), "-w", theirs.toString(), "evt.type=openat or proc.name=bash");
        String expected = sysdig("-r", theirs.toString());
        assertEquals(expected, sysdig("-r", mine.toString()));
        assertEquals(expected, Cli.run("trace", "-r", mine.toString()).out());
        assertTrue(expected.lines().count() >= 8, expected);
    }

    @Test
    void aBadFilterExits2WithACaret() throws Exception {
        Cli ours = Cli.run("trace", "-r", capture().toString(), "proc.name=bash", "and", "proc.pid=1", "or", "evt.type=open");
        assertEquals(2, ours.code());
        assertEquals("", ours.out());
        assertEquals("""
                boxscope: bad filter at column 31: expression mixes 'and' and 'or' in an ambiguous way. Please use brackets.
                  proc.name=bash and proc.pid=1 or evt.type=open
                                                ^
                """, ours.err());
    }
}
