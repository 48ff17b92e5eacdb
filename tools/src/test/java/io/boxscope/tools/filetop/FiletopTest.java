package io.boxscope.tools.filetop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.tools.core.Gate;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.hist.Running;
import org.junit.jupiter.api.Test;
import io.boxscope.testkit.KernelTest;

/**
 * filetop -p PID on a child that waits until the tool is attached, then execs dd to write K blocks
 * of B bytes into a file of the test's own (one write(2) each) and to read it back in K reads: that
 * file's row shows K writes of K*B/1024 KB and K reads (dd reads /dev/zero too, a character device:
 * without -a it has no row, with -a it does, type 'O'). Oracle: the workload.
 */
@KernelTest
class FiletopTest {
    static final int K = 37;
    static final int B = 3000;

    static Filetop.Report traceDd(Filetop.Options options, String script, Path file) throws Exception {
        Process child = Gate.child(script);
        List<Filetop.Report> reports;
        try (Running<Filetop.Report> r = Running.start(Filetop.run(Path.of("/proc"), (int) child.pid(), options),
                new ToolTarget((int) child.pid(), null, null), Schedule.UNTIL_STOPPED)) {
            Gate.open(child);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "dd did not finish");
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, child.exitValue(), out);
            Thread.sleep(200);
            reports = r.stop();
        } finally {
            child.destroyForcibly();
        }
        assertEquals(1, reports.size(), "no interval: one report at the end " + reports);
        return reports.getFirst();
    }

    static Filetop.Row row(Filetop.Report r, String name) {
        List<Filetop.Row> rows = r.rows().stream().filter(x -> x.file().equals(name)).toList();
        assertEquals(1, rows.size(), r.toString());
        return rows.getFirst();
    }

    @Test
    void writesAndReadsOfAKnownFile() throws Exception {
        Path file = Files.createTempFile("boxscope-filetop", ".dat");
        try {
            Filetop.Report r = traceDd(Filetop.Options.defaults(), "exec dd if=/dev/zero of=" + file + " bs=" + B + " count=" + K
                    + " status=none", file);
            Filetop.Row w = row(r, file.getFileName().toString());
            assertEquals(List.of((long) K, 0L, (long) K * B, 0L, 'R'), List.of(w.writes(), w.reads(), w.writeBytes(), w.readBytes(), w.type()),
                    w::toString);
            assertEquals("dd", w.comm());
            assertTrue(r.rows().stream().noneMatch(x -> x.file().equals("zero")), "no special files without -a: " + r);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void allFilesAndSortByWrites() throws Exception {
        Path file = Files.createTempFile("boxscope-filetop", ".dat");
        try {
            Files.write(file, new byte[K * B]);
            Filetop.Report r = traceDd(new Filetop.Options(true, Filetop.Sort.WRITES, 3), "exec dd if=" + file + " of=/dev/null bs=" + B
                    + " status=none", file);
            // dd reads the file in K reads of B bytes and one more that returns 0 (end of file); it
            // writes K blocks to /dev/null, a character device: shown with -a, type 'O', first by writes
            Filetop.Row first = r.rows().getFirst();
            assertEquals(List.of("null", 'O', (long) K, (long) K * B), List.of(first.file(), first.type(), first.writes(), first.writeBytes()),
                    r::toString);
            Filetop.Row read = row(r, file.getFileName().toString());
            assertEquals(List.of(K + 1L, (K + 1L) * B, 0L), List.of(read.reads(), read.readBytes(), read.writes()), read::toString);
            assertEquals(3, r.rows().size(), "-r 3");
            assertTrue(r.files() > 3, "the shell's and dd's other reads are counted, not shown: " + r);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Maps of 4 keys (the runtime's capacity, set through the script) and a shell that writes once to each of
     * 10 files of its own: 4 rows are counted, and the 6 updates of new keys of each of {@code @writes},
     * {@code @wbytes} and {@code @name} that found the map full are reported by the probe runtime, as for every
     * tool (no count of filetop's own). Oracle: the workload's 10 files.
     */
    @Test
    void fullMapsAreReportedByTheRuntime() throws Exception {
        int files = 10, keys = 4;
        Path dir = Files.createTempDirectory("boxscope-filetop");
        try {
            Process child = Gate.child("for i in $(seq " + files + "); do echo x > " + dir + "/f$i; done");
            List<Filetop.Report> reports;
            Running<Filetop.Report> r = Running.start(Filetop.run(Path.of("/proc"), (int) child.pid(), Filetop.Options.defaults(),
                    io.boxscope.tools.core.ToolScript.of(Filetop.class, "filetop").withStrlen(Filetop.NAME_BYTES).withMapKeys(keys)),
                    new ToolTarget((int) child.pid(), null, null), Schedule.UNTIL_STOPPED);
            try (r) {
                Gate.open(child);
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the shell did not finish");
                assertEquals(0, child.exitValue(), new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                reports = r.stop();
            } finally {
                child.destroyForcibly();
            }
            assertEquals(1, reports.size(), reports::toString);
            Filetop.Report report = reports.getFirst();
            assertEquals(keys, report.files(), report::toString);
            assertTrue(report.rows().stream().allMatch(x -> x.writes() == 1 && x.writeBytes() == 2 && x.file().matches("f\\d+")),
                    report::toString);
            for (String map : List.of("@writes", "@wbytes", "@name")) {
                assertEquals(files - keys, r.failedUpdates(map), map + ": " + r.failedUpdates());
            }
            assertTrue(r.failedUpdates().stream().allMatch(f -> f.full() && f.capacity() == keys), r.failedUpdates()::toString);
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
