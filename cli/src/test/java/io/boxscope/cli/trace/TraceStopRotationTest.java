package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.cli.ChildJvm;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGINT ends {@code trace -w FILE -C 1 -W 3} even when every event starts a new file: a python child holds
 * {@link #FDS} descriptors of a file with a 200-byte name, so the fd table at the start of each file takes more
 * than the 1 MB of -C on its own, and (as sysdig's cycle_writer compares the whole file, header included) every
 * event rotates; each rotation re-reads /proc, whose reads are events of their own. The capture used to stay in
 * its ring drain without looking at the stop request (issue 13: still running 11 minutes after Ctrl-C). The
 * bound below is generous for a loaded machine; it is not a measure of speed.
 */
@KernelTest
class TraceStopRotationTest {
    private static final int FDS = 15_000;

    @Test
    void sigintEndsACaptureThatRotatesOnEveryEvent(@TempDir Path dir) throws Exception {
        Path held = dir.resolve("f".repeat(200));
        Files.createFile(held);
        String script = "import os, sys, time\n"
                + "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
                + "fds = [os.dup(fd) for _ in range(" + FDS + ")]\n"
                + "print('ready', flush=True)\n"
                + "while True:\n"
                + "    os.read(fd, 0)\n"
                + "    time.sleep(0.001)\n";
        Process child = new ProcessBuilder("python3", "-c", script, held.toString()).start();
        Process p = null;
        try {
            BufferedReader ready = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", ready.readLine());
            Path base = dir.resolve("cap.scap");
            Path err = dir.resolve("err");
            p = new ProcessBuilder(ChildJvm.boxscope("trace", "-v", "-w", base.toString(), "-C", "1", "-W", "3"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(err).contains("capturing: ")) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "the capture did not start: " + Files.readString(err));
                Thread.sleep(50);
            }
            Thread.sleep(3000); // rotating, a file per event
            assertTrue(p.isAlive(), Files.readString(err));
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "trace -w -C 1 -W 3 did not end on SIGINT: " + Files.readString(err));
            assertEquals(0, p.exitValue(), Files.readString(err));
            String e = Files.readString(err);
            List<Path> files;
            try (var l = Files.list(dir)) {
                files = l.filter(f -> f.getFileName().toString().startsWith("cap.scap")).sorted().toList();
            }
            assertTrue(!files.isEmpty() && files.size() <= 3, files + "\n" + e);
            for (Path f : files) {
                assertTrue(Files.size(f) > 1_000_000, f + ": " + Files.size(f) + " bytes"); // the tables alone
                TraceReadFilterTest.sysdig("-r", f.toString()); // exits 0
            }
            // the one-event files are explained, with the size of the tables that caused them
            assertTrue(e.contains(" MB (up to ") && e.contains(" bytes): each of them holds one event, the next one starting a new file,"
                    + " as sysdig's rotation does (use a larger -C)"), e);
        } finally {
            if (p != null) {
                p.destroyForcibly().waitFor();
            }
            child.destroyForcibly().waitFor();
        }
    }
}
