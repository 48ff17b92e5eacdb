package io.boxscope.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import io.boxscope.cli.ChildJvm;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code boxscope sysbench} against sysbench 1.0.20 itself: both run with the same arguments, and
 * every line of standard output, all of standard error and the exit code must be the same, except
 * the figures that are measured (rates, times, latencies, a time-limited run's per-thread spread),
 * which are masked. Figures that come from options or counts (events of an event-limited run,
 * sizes, thread counts, per-thread average events, "Number of IO requests", zero rates) are
 * compared digit for digit. The cases include sysbench's own command-line tests (tests/t/*.t).
 */
class SysbenchDropInTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void sysbenchInstalled() {
        boolean found = Stream.of(System.getenv("PATH").split(":")).anyMatch(p -> Files.isExecutable(Path.of(p, "sysbench")));
        Requirements.require(found, "sysbench 1.0.20 on PATH (the reference this test compares with)");
    }

    record Out(int code, String out, String err) {}

    static Out process(Path cwd, List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Path o = Files.createTempFile("sysbench-out", ".txt");
            Path e = Files.createTempFile("sysbench-err", ".txt");
            try {
                Process p = pb.redirectOutput(o.toFile()).redirectError(e.toFile()).start();
                int code = p.waitFor();
                return new Out(code, Files.readString(o, StandardCharsets.UTF_8), Files.readString(e, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(o);
                Files.deleteIfExists(e);
            }
        } catch (IOException | InterruptedException ex) {
            throw new AssertionError(ex);
        }
    }

    static Out sysbench(Path cwd, String... args) {
        List<String> cmd = new ArrayList<>(List.of("sysbench"));
        cmd.addAll(List.of(args));
        return process(cwd, cmd);
    }

    /** In a child JVM, for cases that need a working directory or standard input. */
    static Out boxscopeChild(Path cwd, String... args) {
        List<String> a = new ArrayList<>(List.of("sysbench"));
        a.addAll(List.of(args));
        return process(cwd, ChildJvm.boxscope(a.toArray(String[]::new)));
    }

    static Out boxscope(String... args) {
        String[] a = new String[args.length + 1];
        a[0] = "sysbench";
        System.arraycopy(args, 0, a, 1, args.length);
        Cli c = Cli.run(a);
        return new Out(c.code(), c.out(), c.err());
    }

    private static final List<Pattern> MEASURED = List.of(
            Pattern.compile("^(\\s*(?:events per second|total time|min|avg|max|sum|\\d+th percentile|execution time \\(avg/stddev\\)):).*$"),
            Pattern.compile("^(\\s*(?:reads/s|writes/s|fsyncs/s|read, MiB/s|written, MiB/s):)\\s+(?!0\\.00$).*$"));

    /**
     * Masks what is measured; keeps what options and counts decide. In a time-limited run
     * ({@code timed}) the number of events is measured too.
     */
    static List<String> mask(String text, boolean timed) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.matches("^\\s+[0-9.]+ \\|\\**\\s+\\d+$")) {
                continue; // histogram rows: which buckets and counts is measured
            }
            String m = line;
            for (Pattern p : MEASURED) {
                m = p.matcher(m).replaceAll("$1 #");
            }
            m = m.replaceAll("\\(\\s*[0-9.]+ per second\\)", "(# per second)")
                    .replaceAll("transferred \\([0-9.]+ MiB/sec\\)", "transferred (# MiB/sec)")
                    .replaceAll("written in [0-9.]+ seconds \\([0-9.inf]+ MiB/sec\\)", "written in # seconds (# MiB/sec)")
                    .replaceAll("^(\\s*events \\(avg/stddev\\):\\s+[0-9.]+)/[0-9.]+$", "$1/#")
                    // --validate's checksums are of random bytes, which differ from run to run
                    .replaceAll("^(FATAL:     Calculated value: )0x[0-9a-f]+(    Stored value: )0x[0-9a-f]+$", "$1#$2#");
            if (timed && m.matches("^\\[ [0-9]+s \\] .*") && !m.startsWith("[ 1s ]")) {
                continue; // whether a report falls at the very end of a timed run is a race, in sysbench too
            }
            if (timed) {
                m = m.replaceAll("^(\\s*total number of events:).*$", "$1 #")
                        .replaceAll("^(\\s*events \\(avg/stddev\\):).*$", "$1 #")
                        .replaceAll("^Total operations: [0-9]+", "Total operations: #")
                        .replaceAll("^[0-9.]+ MiB transferred", "# MiB transferred");
            }
            if (m.startsWith("[ ")) {
                m = m.replaceAll("[0-9]+\\.[0-9]+", "#");
            }
            out.add(m);
        }
        return out;
    }

    static void same(Out expected, Out actual) {
        same(expected, actual, false);
    }

    static void same(Out expected, Out actual, boolean timed) {
        assertEquals(String.join("\n", mask(expected.out(), timed)), String.join("\n", mask(actual.out(), timed)),
                "standard output; sysbench's was:\n" + expected.out() + "\nboxscope's:\n" + actual.out() + actual.err());
        assertEquals(expected.err(), actual.err(), "standard error");
        assertEquals(expected.code(), actual.code(), "exit code; boxscope's output:\n" + actual.out() + actual.err());
    }

    /** Runs the same arguments through both, in process for Boxscope. */
    void both(String... args) {
        same(sysbench(dir, args), boxscope(args));
    }

    /** The same arguments through both, for a run that ends by --time (its event counts are measured). */
    void bothTimed(String... args) {
        same(sysbench(dir, args), boxscope(args), true);
    }

    /**
     * Runs the same arguments through both, each in its own directory under {@link #dir} (s for
     * sysbench, b for Boxscope, so that one's files are not the other's), Boxscope in a child JVM.
     */
    void bothIn(String... args) {
        same(sysbench(sub("s"), args), boxscopeChild(sub("b"), args));
    }

    /** Like {@link #bothIn} for a run that ends by --time. */
    void bothInTimed(String... args) {
        same(sysbench(sub("s"), args), boxscopeChild(sub("b"), args), true);
    }

    private Path sub(String name) {
        try {
            return Files.createDirectories(dir.resolve(name));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void versionAndHelp() {
        both("--version");
        both("--help=off", "--version=on");
        Out s = sysbench(dir, "--help");
        Out b = boxscope("--help");
        // sysbench's own opt_help.t drops the list of database drivers, which depends on the build; Boxscope has none
        String cut = "(?s)Compiled-in database drivers:.*?Compiled-in tests:";
        String db = "use \\('help' to get list of available drivers\\)( \\[mysql\\])?";
        assertEquals(s.out().replaceAll(cut, "").replaceAll(db, ""), b.out().replaceAll(cut, "").replaceAll(db, ""));
        assertEquals(0, b.code());
        assertTrue(boxscope("--help", "foo").out().contains("Usage:\n"));
    }

    @Test
    void commandLineSyntax() {
        both("foo", "bar");
        both("foo", "bar", "baz");
        both("fileio");
        both("cpu", "bogus");
        both("cpu", "--foo", "run");
        both("cpu", "--memory-block-size=1K", "run");
        both("cpu", "--validate=yes", "run");
        both("--help=foo", "cpu", "run");
        both("cpu", "--threads", "2", "run");
        both("cpu", "run", "extra");
        for (String cmd : List.of("help", "prepare", "run", "cleanup")) {
            both(cmd);
        }
        bothIn();
        bothIn("--unknown");
    }

    @Test
    void testsWithoutPrepareOrCleanupAndTheirHelp() {
        for (String t : List.of("cpu", "memory", "threads", "mutex", "fileio")) {
            both(t, "help");
            both(t, "--threads=3", "help");
            if (!t.equals("fileio")) {
                both(t, "prepare");
                both(t, "cleanup");
            }
        }
    }

    @Test
    void badGeneralOptionValues() {
        both("--threads=0", "cpu", "run");
        both("cpu", "--events=x", "run");
        both("cpu", "--cpu-max-prime=x", "--events=1", "--time=0", "run");
        both("cpu", "--cpu-max-prime=0", "--events=1", "--time=0", "run");
        both("cpu", "--time=1", "--forced-shutdown=x", "run");
        both("cpu", "--time=1", "--report-checkpoints=1,x", "run");
        both("cpu", "--events=2", "--time=0", "--rand-type=foo", "run");
        both("cpu", "--events=2", "--time=0", "--percentile=101", "run");
        both("cpu", "--events=2", "--time=0", "--percentile=0", "--histogram", "run");
        both("--rate=2000000000", "cpu", "run", "--verbosity=1");
        for (String size : List.of("-1", "0", "3", "9")) {
            both("memory", "--memory-block-size=4K", "--memory-total-size=1G", "--events=1", "--time=0", "--threads=2",
                    "--memory-block-size=" + size, "run");
        }
        both("memory", "--memory-scope=nowhere", "run");
        both("memory", "--memory-oper=copy", "run");
        both("memory", "--memory-access-mode=zigzag", "run");
    }

    @Test
    void cpuRunsLineForLine() {
        both("cpu", "--cpu-max-prime=1000", "--events=100", "--time=0", "--threads=2", "run");
        // options before and after the test name, a repeated option takes its last value
        both("--threads=1", "--events=40", "--time=0", "cpu", "--cpu-max-prime=2000", "run", "--threads=2", "--cpu_max_prime=1000");
        both("cpu", "--events=10", "--time=0", "--rand-seed=5", "--validate", "run");
        both("cpu", "--events=10", "--time=0", "--percentile=0", "run");
        both("cpu", "--events=10", "--time=0", "--percentile=99", "run");
        both("cpu", "--num-threads=2", "--max-requests=10", "--max-time=100", "run");
        both("cpu", "--events=10", "--time=5", "--forced-shutdown=5", "run");
        both("cpu", "--events=10", "--time=20", "--forced-shutdown=10%", "run");
        both("cpu", "--events=10", "--time=0", "--histogram", "run");
        both("cpu", "--events=10", "--time=0", "--rate=1000", "run");
        bothTimed("cpu", "--time=2", "--report-interval=1", "run");
        // --report-checkpoints: a full report at each point (sorted), counters start over, the last report after the end
        bothTimed("cpu", "--time=3", "--report-checkpoints=2,1", "run");
        bothTimed("memory", "--time=2", "--memory-total-size=0", "--report-checkpoints=1", "run");
    }

    @Test
    void verbosity() {
        for (String v : List.of("0", "1", "2", "3", "4")) {
            both("cpu", "--events=4", "--time=0", "--threads=2", "--verbosity=" + v, "run");
            both("threads", "--events=2", "--time=0", "--verbosity=" + v, "run");
        }
        both("cpu", "--verbosity=1", "--threads=0", "run");
    }

    @Test
    void memoryRunsLineForLine() {
        String[] common = {"memory", "--memory-block-size=4K", "--memory-total-size=64M", "--events=1", "--time=0", "--threads=2"};
        for (String scope : List.of("global", "local")) {
            for (String oper : List.of("read", "write", "none")) {
                List<String> a = new ArrayList<>(List.of(common));
                a.add("--memory-scope=" + scope);
                a.add("--memory-oper=" + oper);
                a.add("run");
                both(a.toArray(String[]::new));
            }
        }
        both("memory", "--memory-block-size=1M", "--memory-total-size=100M", "--memory-access-mode=rnd", "--rand-seed=7", "run");
    }

    @Test
    void threadsAndMutexRunLineForLine() {
        both("threads", "--events=100", "--time=0", "--threads=2", "run");
        both("threads", "--events=100", "--time=0", "--thread-yields=10", "--thread-locks=2", "run");
        both("mutex", "--events=10", "--time=0", "--threads=2", "--mutex-locks=2000", "run");
        both("mutex", "--mutex-num=16", "--mutex-locks=100", "--mutex-loops=10", "run");
    }

    @Test
    void fileioLikeSysbenchsOwnTest() throws IOException {
        String[] args = {"fileio", "--file-num=4", "--file-total-size=32M"};
        bothIn(with(args, "prepare"));
        try (Stream<Path> files = Files.list(dir.resolve("b"))) {
            assertEquals(4, files.count());
        }
        bothIn(with(args, "run"));
        for (String mode : List.of("rndrw", "rndrd", "seqrd", "rndwr", "seqrewr")) {
            bothIn(with(args, "--events=150", "--time=0", "--file-test-mode=" + mode, "run"));
        }
        bothIn(with(args, "--events=150", "--time=0", "--file-test-mode=foo", "run"));
        // --file-io-mode: async (in-flight requests, counted as they complete) and mmap (the files mapped whole)
        for (String io : List.of("async", "mmap")) {
            for (String mode : List.of("rndrw", "seqrd", "seqrewr")) {
                bothIn(with(args, "--events=150", "--time=0", "--file-io-mode=" + io, "--file-test-mode=" + mode, "run"));
            }
        }
        bothIn(with(args, "--events=10", "--time=0", "--file-io-mode=async", "--file-async-backlog=0", "--file-test-mode=rndrd",
                "run"));
        bothIn(with(args, "--events=10", "--time=0", "--file-test-mode=rndrd", "--file-io-mode=bogus", "run"));
        bothIn(with(args, "--events=10", "--time=0", "--file-test-mode=rndrd", "--file-fsync-mode=none", "run"));
        bothIn(with(args, "--events=10", "--time=0", "--file-test-mode=rndrd", "--file-extra-flags=sync,odd", "run"));
        bothIn(with(args, "--events=10", "--time=0", "--file-test-mode=seqrd", "--file-merged-requests=4", "--rand-seed=3", "run"));
        bothIn(with(args, "cleanup"));
        try (Stream<Path> files = Files.list(dir.resolve("b"))) {
            assertEquals(0, files.count());
        }
        bothIn(with(args, "--file-test-mode=rndrw", "--verbosity=2", "run"));
        // GH-196: file sizes are checked when 'run' starts
        String[] quiet = with(args, "--verbosity=2");
        bothIn(with(quiet, "--file-total-size=1M", "prepare"));
        bothIn(with(quiet, "--file-test-mode=rndwr", "--events=1", "--time=0", "run"));
        bothIn(with(quiet, "cleanup"));
        // extra flags are printed in sysbench's order; prepare reuses what exists
        String[] small = with(args, "--file-total-size=16K", "--file-num=1");
        bothIn(with(small, "--file-extra-flags=", "prepare"));
        bothIn(with(small, "--file-extra-flags=dsync,sync", "prepare"));
        bothIn(with(small, "cleanup"));
        // GH-229: --file-fsync-freq=0 keeps the final fsync
        String[] seqwr = {"fileio", "--file-total-size=160K", "--file-num=10", "--file-test-mode=seqwr", "--file-fsync-freq=0",
            "--file-fsync-end=1", "--events=0", "--time=1"};
        bothIn(with(seqwr, "prepare"));
        bothInTimed(with(seqwr, "run"));
        bothInTimed(with(seqwr, "--file-fsync-end=off", "run"));
        bothIn(with(seqwr, "cleanup"));
    }

    /**
     * --validate: blocks carry their checksum and offset as sysbench writes them (sb_fileio.c
     * file_fill_buffer), every mode runs on them, each tool validates the other's files, and a
     * changed block ends the run with sysbench's FATAL lines and exit code, digit for digit.
     */
    @Test
    void fileioValidateLikeSysbench() throws IOException {
        String[] args = {"fileio", "--file-num=4", "--file-total-size=4M", "--validate=on"};
        bothIn(with(args, "prepare"));
        for (String mode : List.of("rndrw", "rndwr", "seqrewr", "rndrd", "seqrd")) {
            bothIn(with(args, "--events=300", "--time=0", "--file-test-mode=" + mode, "run"));
        }
        for (String io : List.of("async", "mmap")) {
            bothIn(with(args, "--events=150", "--time=0", "--file-io-mode=" + io, "--file-test-mode=rndrw", "run"));
        }
        // each reads every block the other wrote (256 blocks; prepare and the writes above)
        String[] readAll = with(args, "--events=256", "--time=0", "--file-test-mode=seqrd", "run");
        Out sysbenchOnOurs = sysbench(sub("b"), readAll);
        assertEquals(0, sysbenchOnOurs.code(), sysbenchOnOurs.out());
        assertTrue(sysbenchOnOurs.out().contains("Using checksums validation."), sysbenchOnOurs.out());
        Out oursOnSysbenchs = boxscopeChild(sub("s"), readAll);
        assertEquals(0, oursOnSysbenchs.code(), oursOnSysbenchs.out() + oursOnSysbenchs.err());
        assertTrue(oursOnSysbenchs.out().contains("reads/s:"), oursOnSysbenchs.out());
        // a changed byte in block 5 of test_file.2: the checksum fails
        for (String d : List.of("s", "b")) {
            flip(sub(d).resolve("test_file.2"), 5 * 16384 + 100);
        }
        bothIn(with(args, "--events=0", "--time=0", "--file-test-mode=seqrd", "run"));
        // put back; a whole block copied from offset 3*16K to 7*16K: the offset fails
        for (String d : List.of("s", "b")) {
            flip(sub(d).resolve("test_file.2"), 5 * 16384 + 100);
            copyBlock(sub(d).resolve("test_file.3"), 3 * 16384, 7 * 16384);
        }
        bothIn(with(args, "--events=0", "--time=0", "--file-test-mode=seqrd", "run"));
        bothIn(with(args, "cleanup"));
        // zero-filled files (prepared without --validate) fail at the first block
        String[] plain = {"fileio", "--file-num=1", "--file-total-size=64K"};
        bothIn(with(plain, "prepare"));
        bothIn(with(plain, "--validate=on", "--events=4", "--time=0", "--file-test-mode=seqrd", "run"));
        bothIn(with(plain, "cleanup"));
    }

    private static void flip(Path file, long at) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xFF);
        }
    }

    private static void copyBlock(Path file, long from, long to) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            byte[] block = new byte[16384];
            f.seek(from);
            f.readFully(block);
            f.seek(to);
            f.write(block);
        }
    }

    /**
     * --rand-seed: the same seed gives the same random offsets as sysbench, request for request
     * (same xoroshiro128+ seeded from glibc's random(), same draw for the histogram after each
     * event), seen in the pread64 calls both make under strace.
     */
    @Test
    void randSeedGivesSysbenchsOffsets() throws IOException {
        boolean strace = Stream.of(System.getenv("PATH").split(":")).anyMatch(p -> Files.isExecutable(Path.of(p, "strace")));
        Requirements.require(strace, "strace on PATH (to see the offsets each tool reads)");
        String[] files = {"fileio", "--file-num=2", "--file-total-size=32M"};
        sysbench(sub("s"), with(files, "prepare"));
        for (String[] extra : List.of(new String[] {"--file-test-mode=rndrd"}, new String[] {"--file-test-mode=rndrd", "--percentile=0"},
                new String[] {"--file-test-mode=rndrw", "--file-fsync-freq=0"})) {
            String[] run = with(with(files, "--events=20", "--time=0", "--rand-seed=42"), with(extra, "run"));
            Path st = dir.resolve("s.trace");
            Path bt = dir.resolve("b.trace");
            List<String> s = new ArrayList<>(List.of("strace", "-f", "-e", "trace=pread64,pwrite64", "-o", st.toString(), "sysbench"));
            s.addAll(List.of(run));
            assertEquals(0, process(sub("s"), s).code());
            List<String> b = new ArrayList<>(List.of("strace", "-f", "-e", "trace=pread64,pwrite64", "-o", bt.toString()));
            List<String> a = new ArrayList<>(List.of("sysbench"));
            a.addAll(List.of(run));
            b.addAll(ChildJvm.boxscope(a.toArray(String[]::new)));
            assertEquals(0, process(sub("s"), b).code());
            List<String> expected = offsets(st);
            assertEquals(20, expected.size(), String.join("\n", expected));
            assertEquals(expected, offsets(bt), String.join(" ", extra));
        }
        sysbench(sub("s"), with(files, "cleanup"));
    }

    /** "read 16384 at N" / "write 16384 at N" for each block-sized pread64/pwrite64 in a strace log. */
    private static List<String> offsets(Path trace) throws IOException {
        Pattern p = Pattern.compile("p(read|write)64\\(\\d+, .*, 16384, (\\d+)\\) = 16384");
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            var m = p.matcher(line);
            if (m.find()) {
                out.add(m.group(1) + " at " + m.group(2));
            }
        }
        return out;
    }

    static String[] with(String[] base, String... more) {
        String[] a = new String[base.length + more.length];
        System.arraycopy(base, 0, a, 0, base.length);
        System.arraycopy(more, 0, a, base.length, more.length);
        return a;
    }
}
