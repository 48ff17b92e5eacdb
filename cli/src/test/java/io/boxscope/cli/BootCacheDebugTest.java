package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import io.boxscope.bpf.feature.BootCache;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BOXSCOPE_DEBUG's report of the per-boot cache's I/O errors ({@link Main#bootCacheErrors}): a cache whose
 * directory cannot be made (its parent is missing, and its name holds an escape character) acts empty; the
 * report counts the error and names the file, escaped. Root only (the cache is), hence {@code @KernelTest}.
 */
@KernelTest
class BootCacheDebugTest {
    @Test
    void theReportCountsTheErrorsAndSaysWhatFailed(@TempDir Path tmp) {
        Path missing = tmp.resolve("gone\u001b[2J").resolve("run");
        assertEquals(Optional.empty(), BootCache.in(missing, "features", BootCache.Scope.PRIVILEGES).get("prog:KPROBE"));
        long n = BootCache.errors();
        assertTrue(n >= 1, "the failed open was not counted");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Main.bootCacheErrors(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.getFirst().startsWith("boxscope: per-boot cache: " + n + " I/O error" + (n == 1 ? " " : "s ")),
                lines.toString());
        Path escaped = tmp.resolve("gone\\x1b[2J").resolve("run");
        assertEquals("  " + escaped.resolve("features") + ": opening or reading failed (NoSuchFileException: " + escaped + ")",
                lines.getLast());
        assertFalse(String.join("\n", lines).contains("\u001b"), "the escape character is shown, not sent");
    }
}
