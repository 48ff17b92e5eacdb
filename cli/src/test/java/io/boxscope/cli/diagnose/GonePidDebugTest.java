package io.boxscope.cli.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code BOXSCOPE_DEBUG=1 boxscope diagnose PID} on a process that has exited: one line saying so and exit 1,
 * as without BOXSCOPE_DEBUG; the debug timing lines may come too, a stack trace must not (it did, burying the
 * line). The PID is of a process of the test's own, reaped before diagnose starts (a PID reused meanwhile is replaced by another child's; the test is
 * skipped, not passed, if five are). A child JVM: BOXSCOPE_DEBUG is
 * read from the environment.
 */
class GonePidDebugTest {
    @Test
    void aGonePidIsOneLineWithDebugOn(@TempDir Path dir) throws Exception {
        long pid = -1;
        for (int attempt = 0; attempt < 5 && pid < 0; attempt++) {
            Process gone = new ProcessBuilder("true").start();
            assertEquals(0, gone.waitFor());
            if (!Files.exists(Path.of("/proc", Long.toString(gone.pid())))) {
                pid = gone.pid(); // else reused already by another process (rare): another child
            }
        }
        Assumptions.assumeFalse(pid < 0, "every PID of 5 children was reused before diagnose could start");
        Path err = dir.resolve("err");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.boxscope("diagnose", Long.toString(pid), "--duration", "1s"))
                .redirectOutput(dir.resolve("out").toFile()).redirectError(err.toFile());
        pb.environment().put("BOXSCOPE_DEBUG", "1");
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "diagnose did not end");
        List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), String.join("\n", lines));
        List<String> said = lines.stream().filter(l -> !l.startsWith("boxscope: debug: ")).toList();
        assertEquals(1, said.size(), "one line besides the debug lines: " + String.join("\n", lines));
        assertTrue(said.getFirst().startsWith("boxscope: ") && said.getFirst().contains(Long.toString(pid)), said.getFirst());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("\tat ")), "a stack trace: " + String.join("\n", lines));
        assertEquals("", Files.readString(dir.resolve("out")), "nothing on standard output");
    }
}
