package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScapWriterTest {
    @TempDir
    Path dir;

    @Test
    void anExistingFileBecomesOwnerOnly() throws Exception {
        Path p = dir.resolve("old.scap");
        Files.writeString(p, "previous contents, longer than nothing at all");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        try (ScapWriter w = ScapWriter.create(p, Fixtures.tables(), false)) {
            w.write(Fixtures.events().get(0));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        ScapCapture c = ScapReader.readAll(p);
        assertEquals(List.of(Fixtures.events().get(0)), c.events(), "truncated, not appended");
        assertEquals(null, c.error());
    }

    @Test
    void gzipIsDetectedOnRead() throws Exception {
        Path p = dir.resolve("z.scap");
        try (ScapWriter w = ScapWriter.create(p, Fixtures.tables(), true)) {
            for (ScapEvent e : Fixtures.events()) {
                w.write(e);
            }
        }
        byte[] head = Files.readAllBytes(p);
        assertEquals(0x1f, head[0] & 0xff);
        assertEquals(0x8b, head[1] & 0xff);
        ScapCapture c = ScapReader.readAll(p);
        assertEquals(Fixtures.events(), c.events());
        assertEquals(Fixtures.tables().threads(), c.tables().threads());
        assertEquals(Fixtures.tables().interfaces(), c.tables().interfaces());
        assertEquals(Fixtures.tables().machine(), c.tables().machine());
        assertEquals(Fixtures.tables().fds(), c.tables().fds());
    }

    @Test
    void oversizedParameterOfANormalEventIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                ScapEvent.builder("PPME_SYSCALL_WRITE_X", 1, 1, 0).num(70000).bytes(new byte[70000]).build());
        assertTrue(e.getMessage().contains("65535"), e.getMessage());
    }

    @Test
    void builderChecksTypesAndCounts() {
        assertThrows(IllegalArgumentException.class, () ->
                ScapEvent.builder("PPME_SYSCALL_READ_E", 1, 1, 0).str("not a number"));
        assertThrows(IllegalArgumentException.class, () ->
                ScapEvent.builder("PPME_SYSCALL_READ_E", 1, 1, 0).num(3).build());
    }
}
