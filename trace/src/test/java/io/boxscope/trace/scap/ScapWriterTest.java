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

    /**
     * A process may make argv[0], its arguments and its cwd as long as it likes; libscap refuses a file whose
     * strings reach its buffers ("invalid exelen 6000"), which is how a live capture on a machine running
     * one such process failed in CI. The writer cuts them; sysdig must read the file.
     */
    @Test
    void overlongProcessStringsAreCutToWhatSysdigAccepts() throws Exception {
        String long6k = "/" + "x".repeat(5999);
        ThreadInfo hostile = new ThreadInfo(4000, 4000, 1, 4000, 4000, long6k, long6k, long6k,
                List.of("a".repeat(3000), "b".repeat(3000), "c"), long6k, 1024, 0, 0, 0, 0, 0, 0, 0, 0,
                List.of("E=" + "e".repeat(5000)), 4000, 4000, List.of("cpu=/" + "g".repeat(5000)), long6k, 0, false);
        CaptureTables base = Fixtures.tables();
        CaptureTables t = new CaptureTables(base.machine(), base.interfaces(),
                List.of(new UserInfo(0, 0, "u".repeat(400), long6k, long6k)), List.of(new GroupInfo(0, "g".repeat(400))),
                List.of(hostile), java.util.Map.of(4000L, List.of(FdInfo.file(3, 3, long6k, 3, 0x88),
                        FdInfo.named(4, 0, FdType.DIRECTORY, long6k))));
        Path p = dir.resolve("long.scap");
        try (ScapWriter w = ScapWriter.create(p, t, false)) {
            w.write(Fixtures.events().get(0));
        }
        List<String> out = Sysdig.run("-r", p.toString());
        assertEquals(1, out.size(), "sysdig printed: " + out);

        ThreadInfo back = ScapReader.readAll(p).tables().threads().get(0);
        assertEquals(1023, back.exe().length());
        assertEquals(1023, back.comm().length());
        assertEquals(1023, back.cwd().length());
        int argBytes = back.args().stream().mapToInt(a -> a.length() + 1).sum();
        assertEquals(4095, argBytes, "arguments keep the first 4095 bytes, NUL-terminated");
        assertEquals(List.of("a".repeat(3000), "b".repeat(4095 - 3001 - 1)), back.args());
    }
}
