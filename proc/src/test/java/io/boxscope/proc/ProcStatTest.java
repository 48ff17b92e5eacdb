package io.boxscope.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcStatTest {
    @Test
    void parsesRealStatLine() {
        ProcStat s = ProcStat.parse(Fixtures.text("proc/stat-cat.txt"));
        assertEquals("cat", s.comm());
        assertEquals('R', s.state());
        assertEquals(140723637573952L, s.startStack(), "field 28 of the captured line");
    }

    /** A process named "a) b (c" (captured from a real process): comm ends at the last ')'. */
    @Test
    void commWithParenthesesAndSpaces() {
        ProcStat s = ProcStat.parse(Fixtures.text("proc/stat-hostile-comm.txt"));
        assertEquals(10047, s.pid());
        assertEquals("a) b (c", s.comm());
        assertEquals('S', s.state());
        assertEquals(10046, s.ppid());
        assertEquals(2990080, s.vsizeBytes());
        assertEquals(421, s.rssPages());
    }

    @Test
    void readsThroughInjectedProcRoot(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("10047"));
        Files.writeString(root.resolve("10047/stat"), Fixtures.text("proc/stat-hostile-comm.txt"));
        Procfs procfs = new Procfs(new HostPaths(root, Path.of("/sys")));
        assertEquals("a) b (c", procfs.stat(10047).comm());
        assertEquals(java.util.List.of(10047), procfs.pids());
        assertThrows(NoSuchProcessException.class, () -> procfs.stat(4242));
    }

    @Test
    void hostileInput() {
        assertThrows(ProcParseException.class, () -> ProcStat.parse(""));
        assertThrows(ProcParseException.class, () -> ProcStat.parse("12 (x) S 1"));
        assertThrows(ProcParseException.class, () -> ProcStat.parse("x".repeat(65536)));
        assertThrows(ProcParseException.class, () -> ProcStat.parse("abc (x) S " + "1 ".repeat(40)));
        String longComm = "7 (" + ")".repeat(65536) + ") S " + "1 ".repeat(40);
        assertEquals(")".repeat(65536), ProcStat.parse(longComm).comm());
    }
}
