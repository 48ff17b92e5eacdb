package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) or SIGTERM during {@code diagnose} ends the window early: the diagnosis of what was
 * collected is printed, says the window was cut short, and the exit status is 0. The target is a busy
 * shell this test starts; the window asked for (10 minutes) is far longer than the test waits. The
 * signal is sent once diagnose has printed something (its header, or with --json --interval its first
 * live line), so its handlers are installed.
 */
@KernelTest
class DiagnoseStopTest {
    @TempDir
    Path dir;

    @Test
    void sigintPrintsTheVerdictOfTheShortenedWindow() throws Exception {
        Process busy = new ProcessBuilder("/bin/sh", "-c", "while :; do :; done").start();
        try {
            String out = stopped("INT", "diagnose", "--duration", "10m", Long.toString(busy.pid()));
            assertTrue(out.contains("\nVERDICT     "), out);
            assertTrue(out.contains("the window was cut short"), out);
        } finally {
            busy.destroyForcibly().waitFor();
        }
    }

    @Test
    void sigtermDoesTheSameWithJson() throws Exception {
        Process busy = new ProcessBuilder("/bin/sh", "-c", "while :; do :; done").start();
        try {
            String out = stopped("TERM", "--json", "diagnose", "--no-ebpf", "--duration", "10m", "--interval", "500ms",
                    Long.toString(busy.pid()));
            // NDJSON: the live lines, then the diagnosis
            Map<String, Object> d = Json.asObject(Json.parse(out.lines().toList().getLast()));
            assertEquals((long) busy.pid(), Json.asObject(d.get("target")).get("pid"));
            List<Object> notMeasured = Json.asList(Json.asObject(d.get("verdict")).get("not_measured"));
            assertTrue(notMeasured.stream().anyMatch(s -> ((String) s).contains("the window was cut short")), notMeasured.toString());
        } finally {
            busy.destroyForcibly().waitFor();
        }
    }

    /** Runs boxscope with {@code args}, sends SIG{@code signal} once the window runs, returns its output. */
    private String stopped(String signal, String... args) throws Exception {
        Path out = dir.resolve("out-" + signal);
        Path err = dir.resolve("err-" + signal);
        Process p = new ProcessBuilder(ChildJvm.boxscope(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (Files.readString(out).isEmpty()) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "diagnose printed nothing: " + Files.readString(err));
                Thread.sleep(50);
            }
            Thread.sleep(2000);
            assertTrue(p.isAlive(), "diagnose ended before the signal: " + Files.readString(out) + Files.readString(err));
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "diagnose did not end on SIG" + signal);
            assertEquals(0, p.exitValue(), Files.readString(err));
            return Files.readString(out);
        } finally {
            p.destroyForcibly();
        }
    }
}
