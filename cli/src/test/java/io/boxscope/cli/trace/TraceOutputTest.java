package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code boxscope trace -r FILE} with sysdig's output options ({@code -p}, {@code -pc}, {@code -j},
 * {@code -t}, {@code -A}/{@code -x}/{@code -X}, {@code -v}, {@code -s}) prints byte for byte what
 * {@code sysdig -r FILE} prints with the same options, on the eval capture and on {@link ChiselCapture}
 * (long, binary and CR LF buffers). sysdig 0.29 is the oracle; the test fails without it.
 */
class TraceOutputTest {
    static final String ALL_FIELDS = "*%evt.num|%evt.latency|%evt.rawtime|%evt.outputtime|%evt.datetime|%evt.deltatime|"
            + "%fd.sport|%fd.sip|%evt.failed|%evt.is_io|%evt.count|%proc.pid|%user.uid|%user.name|%evt.time|%evt.time.s|"
            + "%evt.rawtime.s|%evt.rawtime.ns|%evt.arg.fd|%10evt.type|%evt.cpu|%thread.ismain|%evt.latency.s|"
            + "%evt.latency.ns|%evt.latency.human|%evt.rawres|%evt.res|%fd.l4proto|%fd.num|%fd.type|%evt.dir|%2evt.num|"
            + "%fd.name|%proc.name|%thread.tid|%evt.info";

    static final List<List<String>> RUNS = List.of(
            List.of("-p", "%evt.num %fd.name"),
            List.of("-p", "*%evt.num %fd.name %10evt.type| %3proc.name %evt.rawarg.res"),
            List.of("-p", ALL_FIELDS),
            List.of("-p", ALL_FIELDS, "-t", "D"),
            List.of("-p", "%evt.num\\t%evt.type\\n%proc.name"), // a backslash prints as \\\\ (Text.safe): OutputFormatTest
            List.of("-p", "%proc.name opened %fd.name", "evt.type=openat and evt.dir=<"),
            List.of("-pc"),
            List.of("-pcontainer", "-n", "9"),
            List.of("-j"),
            List.of("-j", "-n", "4", "proc.name=cat"),
            List.of("-j", "-p", "*%evt.num %fd.num %evt.failed %fd.name %evt.latency %fd.sip %evt.outputtime %evt.datetime %proc.pid %evt.time %evt.info"),
            List.of("-j", "-p", "%evt.num %fd.name"),
            List.of("-t", "a"), List.of("-t", "r"), List.of("-t", "d"), List.of("-t", "D"), List.of("-t", "h"),
            List.of("-A"), List.of("-x"), List.of("-X"), List.of("-X", "evt.type=write"),
            List.of("-j", "-x"), List.of("-j", "-A", "evt.is_io=true"),
            List.of("-v"), List.of("-s", "10"), List.of("-A", "-t", "r", "-p", "*%evt.num %evt.outputtime %evt.info"));

    @TempDir
    static Path dir;

    static Path capture;

    @BeforeAll
    static void write() throws Exception {
        capture = ChiselCapture.write(dir.resolve("output.scap"));
    }

    @Test
    void printsWhatSysdigPrints() throws Exception {
        List<String> wrong = new ArrayList<>();
        int lines = 0;
        for (Path file : List.of(capture, TraceReadFilterTest.capture())) {
            for (List<String> run : RUNS) {
                List<String> a = new ArrayList<>(List.of("-r", file.toString()));
                a.addAll(run);
                String theirs = TraceReadFilterTest.sysdig(a.toArray(String[]::new));
                List<String> b = new ArrayList<>(List.of("trace"));
                b.addAll(a);
                Cli ours = Cli.run(b.toArray(String[]::new));
                lines += theirs.split("\n").length;
                if (ours.code() != 0 || !ours.out().equals(theirs)) {
                    wrong.add(file.getFileName() + " " + run + ": exit " + ours.code() + " " + ours.err() + "\n"
                            + firstDifference(theirs, ours.out()));
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(lines > 1500, "lines compared: " + lines);
    }

    /** The first line that differs, both ways (whole outputs are too long to read in a report). */
    static String firstDifference(String theirs, String ours) {
        String[] t = theirs.split("\n", -1);
        String[] o = ours.split("\n", -1);
        for (int i = 0; i < Math.max(t.length, o.length); i++) {
            String a = i < t.length ? t[i] : "<end>";
            String b = i < o.length ? o[i] : "<end>";
            if (!a.equals(b)) {
                return "line " + (i + 1) + "\n  sysdig:   " + a + "\n  boxscope: " + b;
            }
        }
        return "same lines";
    }

    @Test
    void listsTheEventsSysdigLists() throws Exception {
        Cli ours = Cli.run("trace", "-L");
        assertEquals(0, ours.code(), ours.err());
        assertEquals(TraceReadFilterTest.sysdig("-L"), ours.out());
    }

    @Test
    void badFormatsAndModesAreUsageErrors() {
        Cli bad = Cli.run("trace", "-r", capture.toString(), "-p", "%nosuch.field");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("invalid formatting token"), bad.err());
        Cli end = Cli.run("trace", "-r", capture.toString(), "-p", "%evt.num %");
        assertEquals(2, end.code());
        assertTrue(end.err().contains("formatting cannot end with a %"), end.err());
        Cli t = Cli.run("trace", "-r", capture.toString(), "-t", "x");
        assertEquals(2, t.code());
        assertTrue(t.err().contains("invalid modifier for flag -t"), t.err());
        Cli two = Cli.run("trace", "-r", capture.toString(), "-A", "-x");
        assertEquals(2, two.code());
    }
}
