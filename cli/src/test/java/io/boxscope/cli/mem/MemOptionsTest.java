package io.boxscope.cli.mem;

import static io.boxscope.cli.mem.MemCommandTest.oneLineError;
import static io.boxscope.cli.mem.MemCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import io.boxscope.cli.mem.MemCommandTest.Result;
import io.boxscope.proc.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global --pid with the mem commands, PID arguments that are not numbers, and names as the
 * process set them: found by an acceptance run (mem top ignored --pid; rollup showed status's
 * escaped Name; smaps printed 0 for a field the kernel does not have).
 */
class MemOptionsTest {
    /** A process whose comm holds a newline, a ')' and a space, and that maps nothing unusual. */
    static Process odd;
    static final String ODD_COMM = "a) b\nc";

    @BeforeAll
    static void start() throws Exception {
        odd = new ProcessBuilder("python3", "-c", "import sys,time\n"
                + "open('/proc/self/comm','w').write('a) b\\nc')\n"
                + "print('ready', flush=True)\n"
                + "time.sleep(600)").start();
        String line = new String(odd.getInputStream().readNBytes(6), StandardCharsets.UTF_8);
        assertEquals("ready\n", line);
        assertEquals(ODD_COMM + "\n", Files.readString(Path.of("/proc/" + odd.pid() + "/comm")));
    }

    @AfterAll
    static void stop() throws Exception {
        odd.destroyForcibly();
        odd.waitFor();
    }

    @Test
    void topWithPidShowsThatProcessOnly() {
        Result r = run("--json", "mem", "top", "--pid", Long.toString(odd.pid()));
        assertEquals(0, r.code(), r.err());
        List<Object> rows = Json.asList(Json.asObject(Json.parse(r.out())).get("rows"));
        assertEquals(1, rows.size(), r.out());
        assertEquals(odd.pid(), ((Number) Json.asObject(rows.getFirst()).get("pid")).longValue());
        Result text = run("mem", "top", "--pid", Long.toString(odd.pid()));
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("1 row, 1 process ("), text.out());
    }

    @Test
    void topRejectsWhatItCannotHonour() {
        oneLineError(run("mem", "top", "--pid", "999999999"), 1, "no process with PID 999999999");
        oneLineError(run("mem", "top", "--pid", "1", "--container", "x"), 2, "not both");
        oneLineError(run("mem", "top", "--threads", "0"), 2, "--threads");
        // What the user typed is quoted escaped: a newline in it does not make a second line.
        oneLineError(run("mem", "container", "a\nb", "--container", "c"), 2, "two containers given");
    }

    @Test
    void aPidGivenTwiceMustAgree() {
        String pid = Long.toString(odd.pid());
        oneLineError(run("mem", "rollup", pid, "--pid", "1"), 2, "give the PID once");
        oneLineError(run("mem", "smaps", "--pid", "1", pid), 2, "give the PID once");
        assertEquals(0, run("mem", "rollup", pid, "--pid", pid).code());
    }

    @Test
    void aPidThatIsNotANumberSaysSo() {
        for (String cmd : List.of("rollup", "smaps", "pmap")) {
            for (String bad : List.of("abc", "0", "a\nboxscope: forged")) {
                Result r = run("mem", cmd, bad);
                assertEquals(2, r.code(), r.err());
                assertTrue(r.err().lines().findFirst().orElseThrow().contains("is not a PID"), r.err());
                assertEquals(1, r.err().lines().filter(l -> l.startsWith("boxscope:")).count(), r.err());
                assertFalse(r.err().contains("Exception"), r.err());
            }
        }
        Result global = run("mem", "top", "--pid", "a\nb");
        assertEquals(2, global.code(), global.err());
        assertTrue(global.err().startsWith("boxscope: ") && global.err().contains("'a\\x0ab' is not a PID"), global.err());
    }

    @Test
    void topWithAThreadIdShowsItsProcess() throws Exception {
        long self = ProcessHandle.current().pid(); // a JVM: many threads
        long tid;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            tid = tasks.mapToLong(t -> Long.parseLong(t.getFileName().toString())).filter(t -> t != self).max().orElseThrow();
        }
        Result r = run("--json", "mem", "top", "--pid", Long.toString(tid));
        assertEquals(0, r.code(), r.err());
        List<Object> rows = Json.asList(Json.asObject(Json.parse(r.out())).get("rows"));
        assertEquals(1, rows.size(), r.out());
        assertEquals(self, ((Number) Json.asObject(rows.getFirst()).get("pid")).longValue());
    }

    @Test
    void namesAreTheProcesssOwnEscapedOnlyOnTheTerminal() {
        String pid = Long.toString(odd.pid());
        Map<String, Object> j = Json.asObject(Json.parse(run("--json", "mem", "rollup", pid).out()));
        assertEquals(ODD_COMM, j.get("name"));
        Map<String, Object> s = Json.asObject(Json.parse(run("--json", "mem", "smaps", pid).out()));
        assertEquals(ODD_COMM, s.get("name"));
        for (String cmd : List.of("rollup", "smaps")) {
            String first = run("mem", cmd, pid).out().lines().findFirst().orElseThrow();
            assertTrue(first.startsWith("PID " + pid + " (a) b\\x0ac)"), first);
        }
    }

    @Test
    void rollupShowsStatusVmRssAndHowManyShare() {
        Result r = run("mem", "rollup", Long.toString(ProcessHandle.current().pid()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("VmRSS ")), r.out());
        // This JVM maps libc and libjvm pages that other processes map too.
        assertTrue(r.out().contains("times on average"), r.out());
    }

    @Test
    void aFieldTheKernelDoesNotPrintIsShownAsAbsent(@TempDir Path root) throws IOException {
        // This process's own smaps, stat and comm, with Pss_Dirty taken out as on kernels before 6.0.
        Path dir = Files.createDirectories(root.resolve("4242"));
        String smaps = Files.readAllLines(Path.of("/proc/self/smaps")).stream()
                .filter(l -> !l.startsWith("Pss_Dirty:")).collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(dir.resolve("smaps"), smaps);
        Files.writeString(dir.resolve("stat"), Files.readString(Path.of("/proc/self/stat")));
        Files.writeString(dir.resolve("comm"), "old\n");
        Result r = run("--proc-root", root.toString(), "mem", "smaps", "4242");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        int col = List.of(lines.get(1).trim().split(" +")).indexOf("PSS_DIRTY");
        assertTrue(col > 0, lines.get(1));
        String total = lines.stream().filter(l -> l.startsWith("TOTAL")).findFirst().orElseThrow();
        assertEquals("-", total.trim().split(" +")[col - 1], total); // TOTAL's name cell is empty
        Map<String, Object> j = Json.asObject(Json.parse(run("--json", "--proc-root", root.toString(), "mem", "smaps", "4242").out()));
        Map<String, Object> totals = Json.asObject(j.get("totals_kb"));
        assertFalse(totals.containsKey("pss_dirty"), totals.toString());
        assertTrue(totals.containsKey("pss"), totals.toString());
    }
}
