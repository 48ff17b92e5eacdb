package io.boxscope.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import io.boxscope.bench.engine.Engine;
import io.boxscope.bench.engine.Interval;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.engine.RunResult;
import io.boxscope.bench.engine.Workload;
import io.boxscope.bench.fileio.FileIoOptions;
import io.boxscope.bench.fileio.FileIoOptions.ExtraFlag;
import io.boxscope.bench.fileio.FileIoOptions.Mode;
import io.boxscope.bench.fileio.FileIoWorkload;
import io.boxscope.bench.fileio.FileSet;
import io.boxscope.bench.workload.CpuWorkload;
import io.boxscope.bench.workload.MemoryWorkload;
import io.boxscope.bench.workload.MutexWorkload;
import io.boxscope.bench.workload.ThreadsWorkload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our text against sysbench 1.0.20's real output captured on this machine (src/test/resources/sysbench):
 * line by line with every number replaced by N, runs of interval lines and histogram rows folded to
 * one, and sysbench's first line (its version) dropped.
 */
class SysbenchTextTest {
    @TempDir
    Path dir;

    static String fixture(String name) throws IOException {
        try (InputStream in = SysbenchTextTest.class.getResourceAsStream("/sysbench/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The structure of a report: numbers → N, a run of interval lines folded to the distinct shapes it holds (in
     * order of first appearance), runs of histogram rows folded to one. How many intervals fit into a run depends
     * on the scheduler (a loaded 2-CPU machine), so the count is not part of the structure; the line shapes are.
     */
    static List<String> skeleton(String text) {
        List<String> out = new ArrayList<>();
        java.util.Set<String> intervalRun = new java.util.HashSet<>();
        for (String line : text.split("\n", -1)) {
            String s = line.replaceAll(" *-?\\d+(\\.\\d+)?", " N");
            if (s.matches("\\[ Ns \\] .*")) {
                if (!intervalRun.add(s)) {
                    continue;
                }
                out.add(s);
                continue;
            }
            intervalRun.clear();
            if (s.matches(" +N \\|\\**\\s+N")) {
                s = "<histogram row>";
                if (!out.isEmpty() && out.get(out.size() - 1).equals(s)) {
                    continue;
                }
            }
            out.add(s);
        }
        return out;
    }

    /** Interval lines ("[ 1s ] ...") of a report. */
    static long intervalLines(String text, String contains) {
        return text.lines().filter(l -> l.startsWith("[ ") && l.contains(contains)).count();
    }

    /**
     * Interval runs: 1.5 s with a report every 0.1 s, so that at least one interval line appears even when the
     * reporting thread is scheduled late by more than a second; the tests assert line shapes, never how many.
     */
    static final double INTERVAL_RUN_S = 1.5;
    static final double INTERVAL_S = 0.1;

    /** Our header says "every 0.1 second(s)"; the captures were made with 1 second. */
    static String asCaptured(String ours) {
        return ours.replaceAll("every [0-9.]+ second", "every 1 second");
    }

    static List<String> sysbench(String name) throws IOException {
        String t = fixture(name);
        assertTrue(t.startsWith("sysbench 1.0.20"));
        return skeleton(t.substring(t.indexOf('\n') + 2)); // the version line and the blank line after it
    }

    static String ours(Workload w, RunOptions o) throws Exception {
        StringBuilder sb = new StringBuilder(SysbenchText.header(w, o));
        RunResult r = new Engine(w, o, (Interval iv) -> sb.append(SysbenchText.interval(w, iv, o))).run();
        if (o.histogram()) {
            sb.append(SysbenchText.histogram(r.histogram()));
        }
        sb.append(SysbenchText.body(w, r));
        return sb.toString();
    }

    static RunOptions opts(int threads, double time, long events) {
        return new RunOptions(threads, time, events, 0, 0, 95, false, 0);
    }

    @Test
    void cpu() throws Exception {
        assertEquals(sysbench("cpu.txt"), skeleton(ours(new CpuWorkload(10000), opts(1, 0, 200))));
        assertEquals(sysbench("cpu-events.txt"), skeleton(ours(new CpuWorkload(10000), opts(1, 0, 100))));
    }

    @Test
    void cpuWithIntervalsAndHistogram() throws Exception {
        String t = ours(new CpuWorkload(10000), new RunOptions(2, INTERVAL_RUN_S, 0, 0, INTERVAL_S, 99, true, 0));
        assertEquals(sysbench("cpu-interval-histogram.txt"), skeleton(asCaptured(t)));
        assertTrue(intervalLines(t, "eps:") >= 1, t);
        assertTrue(t.contains("lat (ms,99%)") && t.contains("99th percentile:"), t);
        assertTrue(t.contains("       value  ------------- distribution ------------- count\n"));
    }

    @Test
    void memory() throws Exception {
        assertEquals(sysbench("memory.txt"), skeleton(ours(new MemoryWorkload(1024, 64 << 20, MemoryWorkload.Scope.GLOBAL,
                MemoryWorkload.Oper.WRITE, MemoryWorkload.Access.SEQ, 1), opts(1, 10, 0))));
        String rnd = ours(new MemoryWorkload(1 << 20, 256 << 20, MemoryWorkload.Scope.LOCAL, MemoryWorkload.Oper.READ,
                MemoryWorkload.Access.RND, 1), opts(1, 10, 0));
        assertEquals(sysbench("memory-read-rnd.txt"), skeleton(rnd));
        assertTrue(rnd.contains("  block size: 1024KiB\n  total size: 256MiB\n  operation: read\n  scope: local\n"), rnd);
    }

    @Test
    void memoryIntervals() throws Exception {
        String t = ours(new MemoryWorkload(1024, 1L << 40, MemoryWorkload.Scope.GLOBAL, MemoryWorkload.Oper.WRITE,
                MemoryWorkload.Access.SEQ, 1), new RunOptions(1, INTERVAL_RUN_S, 0, 0, INTERVAL_S, 95, false, 0));
        assertEquals(sysbench("memory-interval.txt"), skeleton(asCaptured(t)));
        assertTrue(intervalLines(t, "MiB/sec") >= 1, t);
    }

    @Test
    void threadsAndMutex() throws Exception {
        // 10 yields per lock, not sysbench's default 1000: each sched_yield gives up a whole time slice when the
        // CPUs are busy (50 000 of them took 40 s on a loaded 2-CPU machine); the report's shape does not depend on it
        assertEquals(sysbench("threads.txt"), skeleton(ours(new ThreadsWorkload(10, 8), opts(1, 0, 50))));
        assertEquals(sysbench("mutex.txt"), skeleton(ours(new MutexWorkload(4096, 2000, 1000), opts(1, 10, 0))));
    }

    @Test
    void threadsWithRate() throws Exception {
        String t = ours(new ThreadsWorkload(10, 8), new RunOptions(1, INTERVAL_RUN_S, 0, 100, INTERVAL_S, 95, false, 0));
        assertEquals(sysbench("threads-rate-interval.txt"), skeleton(asCaptured(t)));
        // with a rate, every interval is a pair: the events line, then the queue line
        assertTrue(intervalLines(t, "thds:") >= 1, t);
        assertEquals(intervalLines(t, "thds:"), intervalLines(t, "queue length:"), t);
    }

    FileIoOptions fio(Mode m, EnumSet<ExtraFlag> flags) {
        return new FileIoOptions(dir, 4, 64 << 20, 16384, m, flags, 100, false, true, false, 1.5, 0);
    }

    @Test
    void fileio() throws Exception {
        FileSet.prepare(fio(Mode.RNDRD, EnumSet.noneOf(ExtraFlag.class)), s -> {});
        // seqwr last: like sysbench it re-creates the files, empty
        String[][] cases = {{"RNDRW", "fileio-rndrw.txt"}, {"SEQRD", "fileio-seqrd.txt"}, {"SEQWR", "fileio-seqwr.txt"}};
        try (FileIoWorkload w = new FileIoWorkload(fio(Mode.RNDRD, EnumSet.of(ExtraFlag.DIRECT)))) {
            String t = ours(w, new RunOptions(1, INTERVAL_RUN_S, 0, 0, INTERVAL_S, 95, false, 0));
            assertEquals(sysbench("fileio-rndrd-direct-interval.txt"), skeleton(asCaptured(t)));
            assertTrue(intervalLines(t, "reads:") >= 1, t);
            assertTrue(t.contains("Extra file open flags: directio\n"));
        }
        for (String[] c : cases) {
            try (FileIoWorkload w = new FileIoWorkload(fio(Mode.valueOf(c[0]), EnumSet.noneOf(ExtraFlag.class)))) {
                assertEquals(sysbench(c[1]), skeleton(ours(w, opts(1, 0, 300))), c[0]);
            }
        }
    }

    /** fileio's header as sysbench 1.0.20 printed it on this machine for the options below. */
    static final String FILEIO_HEADER_1500M_7_3000_3 = """
            Extra file open flags: (none)
            7 files, 214.29MiB each
            1.4648GiB total file size
            Block size 2.9297KiB
            Merging requests up to 8.7891KiB for sequential IO.
            Periodic FSYNC enabled, calling fsync() each 100 requests.
            Calling fsync() at the end of test, Enabled.
            Using synchronous I/O mode
            Doing sequential read test
            """;

    @Test
    void fileioHeaderNumbersAreSysbenchsDigitForDigit() throws Exception {
        FileIoOptions o = new FileIoOptions(dir, 7, 1500L << 20, 3000, Mode.SEQRD, EnumSet.noneOf(ExtraFlag.class), 100,
                false, true, false, 1.5, 3);
        assertEquals(FILEIO_HEADER_1500M_7_3000_3, SysbenchText.fileioMode(o, 0, false));
        // and against sysbench itself where it is installed: it prints the header, then fails on the missing files
        Path sysbench = Path.of("/usr/bin/sysbench");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(sysbench), "sysbench not installed");
        Process p = new ProcessBuilder(sysbench.toString(), "fileio", "--file-total-size=1500M", "--file-num=7",
                "--file-block-size=3000", "--file-merged-requests=3", "--file-test-mode=seqrd", "run")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        int from = out.indexOf("Extra file open flags:");
        int to = out.indexOf("Doing sequential read test\n");
        assertTrue(from >= 0 && to > from, out);
        assertEquals(out.substring(from, to + "Doing sequential read test\n".length()), SysbenchText.fileioMode(o, 0, false));
    }

    @Test
    void percentileZeroSaysDisabledAsSysbenchDoes() throws Exception {
        // sysbench 1.0.20 --percentile=0: "         percentile stats:               disabled" between max and sum
        CpuWorkload w = new CpuWorkload(100);
        RunResult r = new Engine(w, new RunOptions(1, 0, 5, 0, 0, 0, false, 0), null).run();
        String text = SysbenchText.body(w, r);
        List<String> lines = text.lines().toList();
        int max = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("         max:")) {
                max = i;
            }
        }
        assertTrue(max > 0, text);
        assertEquals("         percentile stats:               disabled", lines.get(max + 1));
        assertTrue(lines.get(max + 2).startsWith("         sum:"), text);
    }
}
