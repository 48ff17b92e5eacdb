package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.cli.ChildJvm;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A per-event tool writing to a file is block-buffered (flushed once the ring buffer is drained, as
 * stdio buffers a file): whatever it has read when it is told to stop must still reach the file. The
 * tool is frozen (SIGSTOP) while this test's own thread makes failed opens of paths of its own, so
 * the events wait in the ring buffer; then it is stopped (SIGTERM, SIGINT, or its -d running out while
 * frozen) and continued. Every one of those opens must be in its output when it has exited: a tool
 * that left its buffer unwritten at exit fails here.
 */
@KernelTest
class ToolsOutputFlushTest {
    private static final int OPENS = 20;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT", "duration"})
    void everythingReadIsWrittenBeforeExit(String stop) throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        List<String> cmd = stop.equals("duration") ? ChildJvm.boxscope("opensnoop", "-x", "-d", "3")
                : ChildJvm.boxscope("opensnoop", "-x");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (Files.readString(out).isEmpty()) { // the header: every probe is attached
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "opensnoop printed no header: " + Files.readString(err));
                Thread.sleep(20);
            }
            long t0 = System.nanoTime();
            signal("STOP", p);
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < OPENS; i++) {
                Path missing = dir.resolve("flush-" + stop + "-" + i + "-missing");
                paths.add(missing.toString());
                try (FileInputStream in = new FileInputStream(missing.toFile())) {
                    throw new AssertionError(missing + " exists");
                } catch (java.io.FileNotFoundException expected) {
                    // openat failed with ENOENT: opensnoop -x prints it
                }
            }
            if (stop.equals("duration")) {
                // frozen past its -d: once continued it finds the duration over and ends
                long left = TimeUnit.SECONDS.toNanos(3) + TimeUnit.MILLISECONDS.toNanos(500) - (System.nanoTime() - t0);
                Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(left)));
            } else {
                signal(stop, p);
            }
            signal("CONT", p);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "opensnoop did not end");
            assertEquals(0, p.exitValue(), Files.readString(err));
            String printed = Files.readString(out);
            for (String path : paths) {
                assertTrue(printed.contains(" " + path + "\n"), path + " is missing from what opensnoop wrote:\n" + printed);
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private static void signal(String name, Process p) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start().waitFor(), "kill -" + name);
    }
}
