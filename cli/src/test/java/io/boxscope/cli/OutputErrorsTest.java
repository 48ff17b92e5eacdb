package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, section 3: standard output's errors are checked. PrintStream and PrintWriter swallow
 * them, so these run a second JVM through the real entry point with its standard output on
 * /dev/full or a pipe that the reader closes.
 */
class OutputErrorsTest {
    @TempDir
    Path dir;

    @Test
    void jsonToAFullDeviceFails() throws Exception {
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(ChildJvm.boxscope("--json", "mem", "top"))
                .redirectOutput(new File("/dev/full")).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "mem top did not end");
        String text = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(ExitCode.FAILURE, p.exitValue(), text);
        assertTrue(text.startsWith("boxscope: cannot write standard output: No space left on device"), text);
    }

    @Test
    void textToAFullDeviceFails() throws Exception {
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(ChildJvm.boxscope("containers"))
                .redirectOutput(new File("/dev/full")).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "containers did not end");
        assertEquals(ExitCode.FAILURE, p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** {@code boxscope syscount -i 1 | head -1}: once the reader is gone, the next report ends the command. */
    @Test
    @KernelTest
    void syscountEndsWhenThePipeCloses() throws Exception {
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(ChildJvm.boxscope("syscount", "-i", "1")).redirectError(err.toFile()).start();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            assertTrue(first != null && first.startsWith("Tracing syscalls"), first + Files.readString(err));
            in.close(); // as head -1 exits: the next write gets EPIPE
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "syscount kept running with nobody reading");
            assertEquals(ExitCode.FAILURE, p.exitValue());
            assertEquals("", Files.readString(err, StandardCharsets.UTF_8), "a closed pipe is not an error to print");
        } finally {
            p.destroyForcibly();
        }
    }
}
