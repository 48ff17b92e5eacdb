package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A capture whose writer gets SIGKILL reads back to its last complete block. */
class KilledCaptureTest {
    @TempDir
    Path dir;

    @Test
    void sigkillLeavesAReadableFile() throws Exception {
        Path file = dir.resolve("killed.scap");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KillWriter.class.getName(), file.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("writer.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((!Files.exists(file) || Files.size(file) < 2_000_000) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), "the writer died on its own");
        } finally {
            p.destroyForcibly(); // SIGKILL
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        ScapCapture c = ScapReader.readAll(file);
        assertTrue(c.events().size() > 1000, "events read: " + c.events().size());
        List<ScapEvent> ev = c.events();
        for (int i = 0; i < ev.size(); i++) {
            long n = i / 2;
            String expect = i % 2 == 0 ? "PPME_SYSCALL_READ_E" : "PPME_SYSCALL_READ_X";
            assertEquals(expect, ev.get(i).info().orElseThrow().constant(), "event " + i);
            if (i % 2 == 0) {
                assertEquals(n, EventParams.num(ev.get(i), "size"), "event " + i);
            }
        }
        long size = Files.size(file);
        if (c.error() != null) {
            assertEquals(ScapFormatException.Kind.TRUNCATED, c.error().kind(), c.error().getMessage());
            assertTrue(c.error().offset() < size);
        }
    }
}
