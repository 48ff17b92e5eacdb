package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * trace's errors are one line starting {@code boxscope: } as every command's (docs/cli.md), and a capture file
 * that cannot be created is said to be that, not a file of the traced system that could not be read (issue 13).
 */
class TraceErrorLineTest {
    @Test
    void aFileThatIsNotACaptureStartsLikeEveryError() throws Exception {
        Path passwd = Path.of("/etc/passwd");
        assertTrue(Files.isRegularFile(passwd));
        Cli r = Cli.run("trace", "-r", passwd.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("boxscope: /etc/passwd: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    @KernelTest
    void aCaptureFileInADirectoryThatIsNotThereCannotBeWritten(@TempDir Path dir) {
        for (Path file : new Path[] {Path.of("/proc/nope/x.scap"), dir.resolve("missing").resolve("x.scap")}) {
            assertTrue(Files.notExists(file.getParent()), file.toString());
            Cli r = Cli.run("trace", "-w", file.toString(), "-n", "1");
            assertEquals(1, r.code(), r.err());
            assertEquals("boxscope: cannot write the capture file " + file + ": directory " + file.getParent()
                    + " does not exist, or does not take new files (choose an existing directory you may write to)\n", r.err());
        }
    }
}
