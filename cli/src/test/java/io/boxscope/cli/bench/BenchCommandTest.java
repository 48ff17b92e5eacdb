package io.boxscope.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.Main;
import io.boxscope.proc.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench command end to end, in process: short real runs, JSON, bad input, save and compare. */
class BenchCommandTest {
    @TempDir
    Path dir;

    record Out(int code, String out, String err) {}

    static Out run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Out(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void cpuTextShowsLimitsSysbenchFiguresAndThrottling() {
        Out r = run("bench", "cpu", "--events=50", "--time=0", "run");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("boxscope "), r.out());
        assertTrue(r.out().contains("Cgroup limits (cgroup "), r.out());
        assertTrue(r.out().contains("    CPU:     "), r.out());
        assertTrue(r.out().contains("Prime numbers limit: 10000\n"), r.out());
        assertTrue(r.out().contains("    total number of events:              50\n"), r.out());
        assertTrue(r.out().contains("    events per second: "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("CPU ")), r.out());
        assertEquals("", r.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonForEveryTest() throws Exception {
        Out cpu = run("--json", "bench", "cpu", "--events=20", "--cpu-max-prime=2000");
        assertEquals(0, cpu.code(), cpu.err());
        Map<String, Object> doc = (Map<String, Object>) Json.parse(cpu.out());
        assertEquals("cpu", doc.get("test"));
        assertEquals(2000L, ((Number) ((Map<String, Object>) doc.get("options")).get("cpu_max_prime")).longValue());
        Map<String, Object> run0 = (Map<String, Object>) ((List<Object>) doc.get("runs")).get(0);
        assertEquals(20L, ((Number) ((Map<String, Object>) run0.get("general")).get("events")).longValue());
        assertTrue(((Map<String, Object>) doc.get("environment")).containsKey("cpu_quota"));
        assertTrue(run0.containsKey("throttling"));

        Out mem = run("bench", "memory", "--memory-total-size=8M", "--json");
        assertEquals(0, mem.code(), mem.err());
        Map<String, Object> md = (Map<String, Object>) Json.parse(mem.out());
        assertTrue(((Map<String, Object>) md.get("summary")).containsKey("mib_per_second"));

        for (String[] args : List.of(new String[] {"--json", "bench", "threads", "--events=10", "--thread-yields=10"},
                new String[] {"--json", "bench", "mutex", "--mutex-locks=100", "--mutex-loops=10", "--threads=2"})) {
            Out o = run(args);
            assertEquals(0, o.code(), o.err());
            assertTrue(Json.parse(o.out()) instanceof Map);
        }
    }

    @Test
    void badInputExitsTwoWithAClearMessage() {
        Out q = run("bench", "memory", "--memory-block-size=10Q");
        assertEquals(2, q.code());
        assertTrue(q.err().contains("10Q") && q.err().contains("K, M, G or T"), q.err());
        Out pow = run("bench", "memory", "--memory-block-size=1000");
        assertEquals(2, pow.code());
        assertTrue(pow.err().contains("power of two"), pow.err());
        Out mode = run("bench", "memory", "--memory-oper=copy");
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("read, write, none"), mode.err());
        assertEquals(2, run("bench", "cpu", "--time=0", "--events=0").code());
        assertEquals(2, run("bench", "cpu", "prepare").code());
        assertEquals(2, run("bench", "cpu", "--threads=0").code());
        assertEquals(2, run("bench", "cpu", "--percentile=101").code());
        // sysbench 1.0.20 would take 0 as 2^32 locks per thread (unsigned wrap); bench refuses it in one line
        Out locks = run("bench", "mutex", "--mutex-locks=0");
        assertEquals(2, locks.code());
        assertTrue(locks.err().contains("--mutex-locks must be at least 1") && locks.err().contains("4294967296")
                && locks.err().strip().lines().count() == 1, locks.err());
        Out fio = run("bench", "fileio", "run", "--file-dir=" + dir);
        assertEquals(2, fio.code());
        assertTrue(fio.err().contains("--file-test-mode"), fio.err());
        assertEquals(2, run("bench", "fileio", "run", "--file-test-mode=rndxx", "--file-dir=" + dir).code());
        assertEquals(2, run("bench", "fileio", "run", "--file-test-mode=rndrd", "--file-io-mode=uring", "--file-dir=" + dir).code());
        assertEquals(2, run("bench", "fileio", "run", "--file-test-mode=rndrd", "--file-extra-flags=odd", "--file-dir=" + dir).code());
        assertEquals(2, run("bench", "fileio", "prepare", "--file-total-size=16K", "--file-num=4", "--file-dir=" + dir).code());
        assertEquals(2, run("bench", "fileio", "destroy", "--file-dir=" + dir).code());
        assertEquals(1, run("bench", "compare", dir.resolve("nope.json").toString(), dir.resolve("nope2.json").toString()).code()); // no such file: docs/cli.md
    }

    @Test
    void fileioPrepareRunCleanup() throws Exception {
        String[] common = {"--file-dir=" + dir, "--file-num=2", "--file-total-size=2M"};
        Out p = run(cat(new String[] {"bench", "fileio", "prepare"}, common));
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("2 files, 1024Kb each, 2Mb total\nCreating files for the test...\nExtra file open flags: (none)\n"
                + "Creating file test_file.0\nCreating file test_file.1\n2097152 bytes written in "), p.out());
        Out r = run(cat(new String[] {"bench", "fileio", "run", "--file-test-mode=rndrw", "--events=300"}, common));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Doing random r/w test\n") && r.out().contains("File operations:\n    reads/s:"), r.out());
        Out c = run(cat(new String[] {"bench", "fileio", "cleanup"}, common));
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("Removing test files...\n"));
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
        Out missing = run(cat(new String[] {"bench", "fileio", "run", "--file-test-mode=seqrd", "--events=10"}, common));
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("prepare"), missing.err());
    }

    @Test
    void fileioValidate() throws Exception {
        String[] common = {"--file-dir=" + dir, "--file-num=2", "--file-total-size=2M", "--validate"};
        assertEquals(0, run(cat(new String[] {"bench", "fileio", "prepare"}, common)).code());
        Out r = run(cat(new String[] {"bench", "fileio", "run", "--file-test-mode=rndrw", "--events=300"}, common));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Validation checks: on.\n") && r.out().contains("Using checksums validation.\n"), r.out());
        Out json = run(cat(new String[] {"--json", "bench", "fileio", "run", "--file-test-mode=seqrd", "--events=128"}, common));
        assertEquals(0, json.code(), json.err());
        assertTrue(json.out().contains("\"validate\": true"), json.out());
        // one byte of block 3 of test_file.1 changed: the read of that block ends the run
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(dir.resolve("test_file.1").toFile(), "rw")) {
            f.seek(3 * 16384 + 7);
            int b = f.read();
            f.seek(3 * 16384 + 7);
            f.write(b ^ 1);
        }
        Out bad = run(cat(new String[] {"bench", "fileio", "run", "--file-test-mode=seqrd", "--events=128"}, common));
        assertEquals(1, bad.code(), bad.out());
        assertTrue(bad.err().contains("validation failed on test_file.1, block at offset 49152"), bad.err());
        assertEquals(0, run(cat(new String[] {"bench", "fileio", "cleanup"}, common)).code());
    }

    @Test
    void fileioWithoutACommandFailsAsSysbenchDoes() {
        // sysbench 1.0.20: "The 'fileio' test requires a command argument. See 'sysbench fileio help'", exit 1
        Out r = run("bench", "fileio", "--file-dir=" + dir);
        assertEquals(1, r.code(), r.err());
        assertEquals("boxscope: The 'fileio' test requires a command argument. See 'boxscope bench fileio --help'\n",
                r.err());
        assertFalse(r.err().contains("internal error"), r.err());
    }

    @Test
    void seqwrPrepareCreatesTheFilesAsSysbenchDoes() throws Exception {
        // sysbench 1.0.20 reads --file-test-mode only for 'run': prepare creates the files whatever the
        // mode says (checked with 'sysbench fileio --file-test-mode=seqwr prepare'), even an unknown one.
        String[] common = {"--file-dir=" + dir, "--file-num=2", "--file-total-size=2M"};
        Out p = run(cat(new String[] {"bench", "fileio", "--file-test-mode=seqwr", "prepare"}, common));
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("Creating file test_file.0\nCreating file test_file.1\n2097152 bytes written in "), p.out());
        assertFalse(p.out().contains("Removing"), p.out());
        assertEquals(1 << 20, Files.size(dir.resolve("test_file.1")));
        assertEquals(0, run(cat(new String[] {"bench", "fileio", "--file-test-mode=nonsense", "prepare"}, common)).code());
        assertEquals(0, run(cat(new String[] {"bench", "fileio", "--file-test-mode=seqwr", "cleanup"}, common)).code());
        assertFalse(Files.exists(dir.resolve("test_file.0")));
    }

    @Test
    void interruptedPrepareRemovesTheFilesItCreated() throws Exception {
        Files.writeString(dir.resolve("mine.txt"), "keep");
        java.util.List<String> cmd = new java.util.ArrayList<>(ContainerRun.javaCommand());
        cmd.addAll(List.of("bench", "fileio", "prepare", "--file-total-size=2G", "--file-num=4", "--file-dir=" + dir));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.startsWith("Creating file test_file.0")) {
            // wait until prepare is writing
        }
        assertTrue(line != null, "prepare never started writing test_file.0");
        java.nio.file.Path first = dir.resolve("test_file.0");
        for (int i = 0; i < 200 && !(Files.exists(first) && Files.size(first) > 0); i++) {
            Thread.sleep(10);
        }
        assertTrue(Files.exists(first), "test_file.0 was never created: the interruption would test nothing");
        p.destroy(); // SIGTERM: the same shutdown path as Ctrl-C
        assertTrue(p.waitFor() != 0 || !Files.exists(first), "prepare was not interrupted");
        try (var s = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("mine.txt")), s.toList());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void runsSaveAndCompare() throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Out ra = run("bench", "cpu", "--cpu-max-prime=3000", "--events=30", "--runs", "3", "--save", a.toString());
        assertEquals(0, ra.code(), ra.err());
        assertTrue(ra.out().contains("Run 3 of 3:\n"), ra.out());
        assertTrue(ra.out().contains("Summary of 3 runs"), ra.out());
        assertTrue(ra.out().contains("events_per_second:"), ra.out());
        Map<String, Object> saved = (Map<String, Object>) Json.parse(Files.readString(a));
        assertEquals(3, ((List<Object>) saved.get("runs")).size());
        java.util.Set<Object> jvms = new java.util.HashSet<>();
        for (Object run : (List<Object>) saved.get("runs")) {
            Map<String, Object> rm = (Map<String, Object>) run;
            jvms.add(rm.get("jvm_pid"));
            assertEquals(30L, ((Number) ((Map<String, Object>) rm.get("general")).get("events")).longValue());
        }
        assertEquals(3, jvms.size(), "each run is a JVM of its own: " + jvms);
        assertFalse(jvms.contains(ProcessHandle.current().pid()), "no run was measured in the command's own JVM");
        assertEquals(1, ra.out().split("Prime numbers limit: 3000\n", -1).length - 1,
                "the options header is printed once, by the command, not by each run: " + ra.out());
        Out rb = run("bench", "cpu", "--cpu-max-prime=6000", "--events=30", "--runs=3", "--save=" + b);
        assertEquals(0, rb.code(), rb.err());
        Out cmp = run("bench", "compare", a.toString(), b.toString());
        assertEquals(0, cmp.code(), cmp.err());
        assertTrue(cmp.out().contains("events_per_second"), cmp.out());
        assertTrue(cmp.out().contains("WARNING: the environments differ"), cmp.out());
        assertTrue(cmp.out().contains("option --cpu-max-prime: 3000 → 6000"), cmp.out());
        Out same = run("bench", "compare", a.toString(), a.toString());
        assertEquals(0, same.code(), same.err());
        assertTrue(same.out().contains("no significant difference"), same.out());
        assertFalse(same.out().contains("WARNING"), same.out());
        Out js = run("--json", "bench", "compare", a.toString(), b.toString());
        assertEquals(0, js.code(), js.err());
        assertTrue(Json.parse(js.out()) instanceof Map);
        Path mem = dir.resolve("m.json");
        Out memSaved = run("bench", "memory", "--memory-total-size=1M", "--save=" + mem);
        assertEquals(0, memSaved.code(), memSaved.err());
        assertTrue(Files.exists(mem), "--save wrote nothing");
        Out mixed = run("bench", "compare", a.toString(), mem.toString());
        assertEquals(2, mixed.code(), "comparing a cpu result with a memory result is a usage error: " + mixed.err());
    }

    @Test
    void helpEndsWithExamples() {
        for (String t : new String[] {"cpu", "memory", "fileio", "threads", "mutex", "compare"}) {
            Out h = run("bench", t, "--help");
            assertEquals(0, h.code());
            assertTrue(h.out().contains("EXAMPLES"), t);
        }
    }

    static String[] cat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
