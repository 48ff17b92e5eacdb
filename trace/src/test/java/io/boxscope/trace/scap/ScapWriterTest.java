package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    /** The PPM_SC number of system call {@code name} in the event table (libs e5c53d64's ppm_sc). */
    private static int ppmSc(String name) {
        for (int id = 0; ; id++) {
            var n = EventTable.get().syscallName(id);
            if (n.isEmpty()) {
                throw new AssertionError(name + " is not in the event table");
            }
            if (n.get().equals(name)) {
                return id;
            }
        }
    }

    /**
     * writeGeneric is what a live -w writes for most system calls, without building events: its blocks must
     * be byte for byte what write frames for the same events built parameter by parameter (an enter block of
     * 48 bytes: 12 of framing, 2 of cpu, 26 of event header, 2 lengths and 2 values of 2 bytes; an exit of
     * 44), and sysdig must print them as the system call they name.
     */
    @Test
    void genericEventsWrittenDirectlyAreTheBlocksOfBuiltEvents() throws Exception {
        int sc = ppmSc("getppid");
        java.io.ByteArrayOutputStream direct = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream built = new java.io.ByteArrayOutputStream();
        long t = Fixtures.T0;
        try (ScapWriter d = ScapWriter.to(direct, Fixtures.tables()); ScapWriter b = ScapWriter.to(built, Fixtures.tables())) {
            long header = d.offset();
            d.writeGeneric(t + 10, 4000, 1, true, sc, 110);
            assertEquals(header + 48, d.offset());
            d.writeGeneric(t + 20, 4000, 1, false, sc, 110);
            assertEquals(header + 48 + 44, d.offset());
            b.write(ScapEvent.builder("PPME_GENERIC_E", t + 10, 4000, 1).num(sc).num(110).build());
            b.write(ScapEvent.builder("PPME_GENERIC_X", t + 20, 4000, 1).num(sc).build());
        }
        assertArrayEquals(built.toByteArray(), direct.toByteArray());

        Path p = dir.resolve("generic.scap");
        Files.write(p, direct.toByteArray());
        List<String> out = Sysdig.run("-r", p.toString());
        assertEquals(2, out.size(), "sysdig printed: " + out);
        assertTrue(out.get(0).endsWith("bash (4000) > getppid "), out.get(0));
        assertTrue(out.get(1).endsWith("bash (4000) < getppid "), out.get(1));
    }

    /**
     * Events are kept in a 1 MiB buffer and handed to the stream in whole blocks: several MiB of generic
     * and built events, interleaved, read back in order and complete, and an event larger than the
     * buffer still goes out whole between them.
     */
    @Test
    void manyEventsAcrossTheBufferReadBackInOrder() throws Exception {
        int sc = ppmSc("getppid");
        Path p = dir.resolve("many.scap");
        List<ScapEvent> expected = new java.util.ArrayList<>();
        long t = Fixtures.T0;
        try (ScapWriter w = ScapWriter.create(p, Fixtures.tables(), false)) {
            for (int i = 0; i < 40_000; i++) {
                w.writeGeneric(t += 10, 4000, i % 2, true, sc, 110);
                expected.add(ScapEvent.builder("PPME_GENERIC_E", t, 4000, i % 2).num(sc).num(110).build());
                ScapEvent read = ScapEvent.builder("PPME_SYSCALL_READ_X", t += 10, 4000, 0).num(100)
                        .bytes(new byte[100]).build();
                w.write(read);
                expected.add(read);
                if (i == 20_000) {
                    ScapEvent big = ScapEvent.builder("PPME_PLUGINEVENT_E", t += 10, 4000, 0).num(7)
                            .bytes(new byte[3 << 19]).build(); // 1.5 MiB: an EF_LARGE_PAYLOAD event
                    w.write(big);
                    expected.add(big);
                }
                w.writeGeneric(t += 10, 4000, i % 2, false, sc, 110);
                expected.add(ScapEvent.builder("PPME_GENERIC_X", t, 4000, i % 2).num(sc).build());
            }
        }
        ScapCapture c = ScapReader.readAll(p);
        assertEquals(null, c.error());
        assertEquals(expected.size(), c.events().size());
        assertEquals(expected, c.events());
    }
}
