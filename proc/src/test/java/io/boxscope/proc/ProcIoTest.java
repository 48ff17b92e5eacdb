package io.boxscope.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcIoTest {
    /** Captured with {@code sh -c 'dd if=/dev/zero of=F bs=64k count=40 conv=fsync; cat /proc/$$/io'} (kernel 6.18). */
    static final String CAPTURED = Fixtures.text("proc/io-sh-after-dd.txt");

    @Test
    void parsesACapturedFile() {
        assertEquals(new ProcIo(2632396, 2621536, 58, 43, 0, 2646016, 0), ProcIo.parse(CAPTURED));
    }

    @Test
    void unknownLinesAndCrLfAreIgnored() {
        String text = "future_counter: 9\nnot a field\n" + CAPTURED.replace("\n", "\r\n");
        assertEquals(ProcIo.parse(CAPTURED), ProcIo.parse(text));
    }

    @Test
    void aMissingCounterIsNamed() {
        String text = CAPTURED.replaceAll("(?m)^write_bytes: .*\n", "");
        ProcParseException e = assertThrows(ProcParseException.class, () -> ProcIo.parse(text));
        assertTrue(e.getMessage().contains("no write_bytes line"), e.getMessage());
        ProcParseException empty = assertThrows(ProcParseException.class, () -> ProcIo.parse(""));
        assertTrue(empty.getMessage().contains("rchar, wchar, syscr, syscw, read_bytes, write_bytes, cancelled_write_bytes"),
                empty.getMessage());
    }

    @Test
    void hostileValuesAreRefused() {
        for (String bad : new String[] {"x", "", "-1", "1 2", "0x10", "18446744073709551615", "9".repeat(400)}) {
            String text = CAPTURED.replace("read_bytes: 0", "read_bytes: " + bad);
            ProcParseException e = assertThrows(ProcParseException.class, () -> ProcIo.parse(text), bad);
            assertTrue(e.getMessage().contains("read_bytes"), e.getMessage());
            assertTrue(e.getMessage().length() < 200, "abbreviated: " + e.getMessage());
        }
        assertThrows(ProcParseException.class, () -> ProcIo.parse(CAPTURED + "syscr: 1\n"), "repeated counter");
    }

    @Test
    void readsThroughInjectedProcRoot(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("31"));
        Files.writeString(root.resolve("31/io"), CAPTURED);
        Procfs procfs = new Procfs(new HostPaths(root, Path.of("/sys")));
        assertEquals(2646016, procfs.io(31).writeBytes());
        assertThrows(NoSuchProcessException.class, () -> procfs.io(32));
    }
}
