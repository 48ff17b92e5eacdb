package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.proc.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code boxscope trace -r FILE -c CHISEL} prints what {@code sysdig -r FILE -c CHISEL} prints, on the
 * eval capture and on {@link ChiselCapture}, with and without {@code -pc}, filters and {@code -n}. sysdig
 * 0.29 is the oracle (installed by scripts/setup-env; the test fails without it). The only freedom allowed
 * is the order of rows with equal values, which in sysdig comes from a Lua hash table (it differs between
 * sysdig's own text and JSON runs): rows are compared in order of value, and as sets within a value.
 */
class TraceChiselTest {
    static final List<String> TABLES = List.of("topscalls", "topscalls_time", "topfiles_bytes", "topfiles_time",
            "topfiles_errors", "topprocs_file", "topprocs_net", "topprocs_errors", "topconns", "topports_server",
            "topcontainers_file", "topcontainers_net", "topcontainers_error");

    @TempDir
    Path dir;

    Path capture;

    @BeforeEach
    void write() throws Exception {
        capture = ChiselCapture.write(dir.resolve("chisels.scap"));
    }

    private List<String> compare(Path file, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("-r", file.toString()));
        a.addAll(List.of(args));
        String theirs = TraceReadFilterTest.sysdig(a.toArray(String[]::new));
        List<String> b = new ArrayList<>(List.of("trace"));
        b.addAll(a);
        Cli ours = Cli.run(b.toArray(String[]::new));
        if (ours.code() != 0) {
            return List.of(String.join(" ", args) + ": exit " + ours.code() + " " + ours.err());
        }
        boolean same = List.of(args).contains("-j")
                ? Json.parse(theirs).equals(Json.parse(ours.out())) // dkjson's key order follows a seeded Lua hash
                : sameTable(theirs, ours.out());
        if (!same) {
            return List.of(String.join(" ", args) + "\n--- sysdig\n" + theirs + "--- boxscope\n" + ours.out());
        }
        return List.of();
    }

    /** Equal line for line, except that rows with the same first column may come in any order. */
    static boolean sameTable(String theirs, String ours) {
        List<String> t = List.of(theirs.split("\n", -1));
        List<String> o = List.of(ours.split("\n", -1));
        if (t.size() != o.size()) {
            return false;
        }
        int i = 0;
        while (i < t.size()) {
            String v = value(t.get(i));
            int j = i;
            while (j < t.size() && value(t.get(j)).equals(v) && !v.isEmpty()) {
                j++;
            }
            if (j == i) {
                j = i + 1;
            }
            String[] x = t.subList(i, j).toArray(String[]::new);
            String[] y = o.subList(i, j).toArray(String[]::new);
            Arrays.sort(x);
            Arrays.sort(y);
            if (!Arrays.equals(x, y)) {
                return false;
            }
            i = j;
        }
        return true;
    }

    /** The value column of a table row (first 20 characters) or of an fdcount_by row (after the tab). */
    private static String value(String line) {
        int tab = line.indexOf('\t');
        if (tab >= 0) {
            return line.substring(tab);
        }
        return line.length() > 20 && !line.startsWith("-") ? line.substring(0, 20) : "";
    }

    @Test
    void tablesAreSysdigsOnBothCaptures() throws Exception {
        List<String> wrong = new ArrayList<>();
        int rows = 0;
        for (Path file : List.of(capture, TraceReadFilterTest.capture())) {
            for (String c : TABLES) {
                wrong.addAll(compare(file, "-c", c));
                wrong.addAll(compare(file, "-pc", "-c", c));
                rows += TraceReadFilterTest.sysdig("-r", file.toString(), "-c", c).split("\n").length - 2;
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(rows > 60, "rows compared: " + rows);
    }

    @Test
    void chiselsWithArgumentsFiltersAndCounts() throws Exception {
        List<String> wrong = new ArrayList<>();
        wrong.addAll(compare(capture, "-c", "fdbytes_by", "proc.name"));
        wrong.addAll(compare(capture, "-c", "fdbytes_by", "fd.sport"));
        wrong.addAll(compare(capture, "-c", "fdbytes_by", "thread.tid", "evt.type=read"));
        wrong.addAll(compare(capture, "-c", "fdcount_by", "proc.name"));
        wrong.addAll(compare(capture, "-c", "fdcount_by", "evt.type"));
        wrong.addAll(compare(capture, "-c", "topscalls", "proc.name=nginx"));
        wrong.addAll(compare(capture, "-c", "topfiles_bytes", "-n", "20"));
        wrong.addAll(compare(capture, "-c", "topprocs_net", "-n", "7", "thread.tid=301"));
        wrong.addAll(compare(capture, "-c", "topscalls_time", "evt.failed=true"));
        assertEquals(List.of(), wrong);
    }

    @Test
    void streamingChiselsPrintWhatSysdigPrints() throws Exception {
        for (List<String> run : List.of(List.of("-c", "stdout"), List.of("-c", "stderr"), List.of("-c", "stderr", "proc.name=cat"),
                List.of("-c", "spy_file"), List.of("-c", "spy_file", "W"), List.of("-c", "spy_file", "R /etc/passwd"),
                List.of("-c", "spy_file", "proc.name=nginx"), List.of("-c", "spy_file", "RW", "proc.name=cat"),
                List.of("-c", "echo_fds"), List.of("-c", "echo_fds", "disable_color"), List.of("-pc", "-c", "echo_fds", "proc.name=nginx"))) {
            List<String> a = new ArrayList<>(List.of("-r", capture.toString()));
            a.addAll(run);
            String theirs = TraceReadFilterTest.sysdig(a.toArray(String[]::new));
            a.addFirst("trace");
            Cli ours = Cli.run(a.toArray(String[]::new));
            assertEquals(0, ours.code(), ours.err());
            assertTrue(theirs.length() > 10, run + " printed " + theirs);
            // the buffers are the processes' own bytes: boxscope escapes control characters for the terminal
            // (CR, NUL, BEL as \x0d...), keeping newlines and tabs, where sysdig writes them raw
            String expected = String.join("\n", java.util.Arrays.stream(theirs.split("\n", -1))
                    .map(TraceReadCli::safeChiselLine).toList());
            assertEquals(expected, ours.out(), run.toString());
        }
    }

    @Test
    void tableJsonIsSysdigs() throws Exception {
        // one key, several keys (the value lands in info's third place), no rows
        List<String> wrong = new ArrayList<>();
        wrong.addAll(compare(capture, "-j", "-c", "topfiles_bytes"));
        wrong.addAll(compare(capture, "-j", "-c", "topprocs_file"));
        wrong.addAll(compare(capture, "-j", "-c", "topprocs_errors", "proc.name=nobody"));
        Cli ours = Cli.run("trace", "-r", capture.toString(), "-j", "-c", "topscalls");
        assertTrue(ours.out().startsWith("{\n  \""), "dkjson's indentation: " + ours.out());
        assertEquals(List.of(), wrong);
    }

    @Test
    void listAndInfoHaveSysdigsLayoutAndCategories() throws Exception {
        String theirs = TraceReadFilterTest.sysdig("-cl");
        Cli ours = Cli.run("trace", "-cl");
        assertEquals(0, ours.code(), ours.err());
        // every chisel we list is under the category sysdig lists it under
        String category = null;
        List<String> checked = new ArrayList<>();
        for (String line : ours.out().split("\n")) {
            if (line.startsWith("Category: ")) {
                category = line;
            } else if (!line.isEmpty() && !line.startsWith(" ") && !line.startsWith("-") && !line.startsWith("Use ")) {
                String name = line.split(" ")[0];
                String section = theirs.substring(theirs.indexOf(category + "\n"));
                int next = section.indexOf("\nCategory: ", 1);
                section = next < 0 ? section : section.substring(0, next);
                assertTrue(section.contains("\n" + name + " ") || section.contains("\n" + name + "\n"), name + " not under " + category);
                checked.add(name);
            }
        }
        assertTrue(checked.size() >= 19, "chisels listed: " + checked);
        assertTrue(ours.out().startsWith("\nCategory: "));
        assertTrue(ours.out().endsWith("\nUse the -i flag to get detailed information about a specific chisel\n"));
        // -i: the same lines sysdig prints, up to the wording of the descriptions
        for (String c : List.of("topscalls", "fdbytes_by", "topcontainers_error", "spy_file")) {
            String[] t = TraceReadFilterTest.sysdig("-i", c).split("\n", -1);
            String[] o = Cli.run("trace", "-i", c).out().split("\n", -1);
            assertEquals(t[1], o[1], c);
            assertEquals(t[2], o[2], c);
            assertEquals(t[0], o[0]);
            assertTrue(o[3].startsWith(c), o[3]);
            assertEquals(List.of(t).contains("Args:"), List.of(o).contains("Args:"));
            assertEquals(List.of(t).contains("(None)"), List.of(o).contains("(None)"), c);
            assertEquals(t[t.length - 2].isEmpty(), o[o.length - 2].isEmpty(), c + ": trailing blank line");
        }
        Cli bad = Cli.run("trace", "-i", "nosuch");
        assertEquals(1, bad.code()); // sysdig -i nosuch exits 1 too
        assertTrue(bad.err().contains("chisel nosuch not found - use -cl to list them."), bad.err());
        Cli missing = Cli.run("trace", "-r", capture.toString(), "-c", "fdbytes_by");
        assertEquals(1, missing.code()); // sysdig exits 1 (chiselArgumentErrorsExitAsSysdigExits)
        assertTrue(missing.err().contains("missing arguments for chisel fdbytes_by"), missing.err());
        // a capture file that is not there is a named thing missing: exit 1 (docs/cli.md), not a usage error
        java.nio.file.Path none = capture.resolveSibling("nosuch-" + ProcessHandle.current().pid() + ".scap");
        Cli gone = Cli.run("trace", "-r", none.toString());
        assertEquals(1, gone.code(), gone.err());
        assertEquals("boxscope: no such capture file: " + none + "\n", gone.err());
    }

    /**
     * An error in a chisel's arguments exits as sysdig 0.29 exits for it, 1 (its main returns EXIT_FAILURE for getopt's
     * "invalid option" and for the chisel's "corrupted parameters", "missing arguments", "too many parameters"), run
     * side by side with sysdig on the same capture; trace's own usage errors stay 2 (docs/cli.md).
     */
    @Test
    void chiselArgumentErrorsExitAsSysdigExits() throws Exception {
        List<List<String>> cases = List.of(
                List.of("-c", "spectrogram", "-5"), // sysdig: invalid option -- '5'
                List.of("-c", "spectrogram", "'100"), // corrupted parameters for chisel spectrogram
                List.of("-c", "fdbytes_by"), // missing arguments for chisel fdbytes_by
                List.of("-c", "spectrogram", "1 2 3")); // too many parameters for chisel spectrogram
        for (List<String> c : cases) {
            List<String> theirs = new ArrayList<>(List.of("/usr/bin/sysdig", "-r", capture.toString()));
            theirs.addAll(c);
            Process p = new ProcessBuilder(theirs).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), c.toString());
            List<String> a = new ArrayList<>(List.of("trace", "-r", capture.toString()));
            a.addAll(c);
            Cli ours = Cli.run(a.toArray(String[]::new));
            assertEquals(1, p.exitValue(), "sysdig " + c + ": " + said);
            assertEquals(p.exitValue(), ours.code(), c + ": " + ours.err());
            assertEquals(1, ours.err().lines().count(), ours.err());
            assertTrue(ours.err().startsWith("boxscope: "), ours.err());
            assertEquals("", ours.out(), c.toString());
        }
        // sysdig's wording where it has one
        assertTrue(Cli.run("trace", "-r", capture.toString(), "-c", "spectrogram", "1 2 3").err()
                .contains("too many parameters for chisel spectrogram, 0 required, 1 optional, 3 given"));
        // trace's own usage error is still 2
        Cli usage = Cli.run("trace", "-r", capture.toString(), "-c", "topscalls", "-w", dir.resolve("x.scap").toString());
        assertEquals(2, usage.code(), usage.err());
    }
}
