package io.boxscope.tools.filetop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.core.Gate;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.hist.IntervalRun;
import io.boxscope.tools.hist.Running;
import org.junit.jupiter.api.Test;

/**
 * {@link IntervalRun} across many intervals, through filetop (a shell's {@code echo x > FILE}: one write(2) of
 * 2 bytes by the shell itself per line, a builtin with a redirection). Oracle: the workload's own count of
 * writes. Summed over every interval's report, each file's writes are exactly what the shell did: nothing is
 * lost between a read and a clear (the old read-then-clear lost a few per cent at 20 ms intervals), and with
 * maps far smaller than the files written over the run, idle keys are deleted so the maps never fill.
 */
@KernelTest
class IntervalRunKernelTest {

    /** Writes per file name, summed over the reports. */
    private static Map<String, long[]> sums(List<Filetop.Report> reports) {
        Map<String, long[]> out = new TreeMap<>();
        for (Filetop.Report r : reports) {
            for (Filetop.Row row : r.rows()) {
                long[] s = out.computeIfAbsent(row.file(), k -> new long[2]);
                s[0] += row.writes();
                s[1] += row.writeBytes();
            }
        }
        return out;
    }

    private static List<Filetop.Report> run(ToolScript script, String workload, Duration interval, List<Long> failed)
            throws Exception {
        Process child = Gate.child(workload);
        try {
            Running<Filetop.Report> r = Running.start(
                    Filetop.run(Path.of("/proc"), (int) child.pid(), new Filetop.Options(false, Filetop.Sort.ALL, 10_000), script),
                    new ToolTarget((int) child.pid(), null, null), new Schedule(null, interval, 0));
            try (r) {
                Gate.open(child);
                assertTrue(child.waitFor(300, TimeUnit.SECONDS), "the shell did not finish");
                assertEquals(0, child.exitValue(), new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                List<Filetop.Report> reports = r.stop();
                for (String m : List.of("@writes", "@wbytes", "@name")) {
                    failed.add(r.failedUpdates(m));
                }
                return reports;
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void sumOverIntervalsIsExact() throws Exception {
        int n = 5_000;
        Path dir = Files.createTempDirectory("boxscope-ivrace");
        Path f = dir.resolve("busy");
        try {
            List<Long> failed = new java.util.ArrayList<>();
            List<Filetop.Report> reports = run(ToolScript.of(Filetop.class, "filetop").withStrlen(Filetop.NAME_BYTES),
                    "i=0; while [ $i -lt " + n + " ]; do echo x > " + f + "; i=$((i+1)); done", Duration.ofMillis(20), failed);
            assertTrue(reports.size() > 5, "several intervals: " + reports.size());
            long[] s = sums(reports).get("busy");
            assertEquals(List.of((long) n, 2L * n), List.of(s[0], s[1]), "writes and bytes summed over " + reports.size() + " reports");
            assertEquals(List.of(0L, 0L, 0L), failed);
        } finally {
            Files.deleteIfExists(f);
            Files.delete(dir);
        }
    }

    @Test
    void moreKeysOverTimeThanTheMapHoldsNeverFill() throws Exception {
        int files = 24, writes = 50, keys = 8;
        Path dir = Files.createTempDirectory("boxscope-ivrace");
        try {
            List<Long> failed = new java.util.ArrayList<>();
            List<Filetop.Report> reports = run(
                    ToolScript.of(Filetop.class, "filetop").withStrlen(Filetop.NAME_BYTES).withMapKeys(keys),
                    "for i in $(seq " + files + "); do j=0; while [ $j -lt " + writes + " ]; do echo x > " + dir
                            + "/f$i; j=$((j+1)); done; sleep 0.2; done", Duration.ofMillis(40), failed);
            Map<String, long[]> sums = sums(reports);
            assertEquals(files, sums.size(), () -> "one row name per file, none unnamed: " + sums.keySet());
            for (int i = 1; i <= files; i++) {
                long[] s = sums.get("f" + i);
                assertEquals(List.of((long) writes, 2L * writes), s == null ? null : List.of(s[0], s[1]), "f" + i);
            }
            assertEquals(List.of(0L, 0L, 0L), failed, "no update found a map full");
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
