package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cut and damaged files: one one-line error with the offset, the events before it, never another exception. */
class DamagedFileTest {
    @TempDir
    Path dir;

    private static byte[] capture() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ScapWriter w = ScapWriter.to(out, Fixtures.tables())) {
            for (ScapEvent e : Fixtures.events()) {
                w.write(e);
            }
        }
        return out.toByteArray();
    }

    /** Offsets at which each event block ends, from our own framing (block lengths at each header). */
    private static List<Long> eventEnds(byte[] file, long firstEvent) {
        java.util.ArrayList<Long> ends = new java.util.ArrayList<>();
        long o = firstEvent;
        while (o < file.length) {
            int len = java.nio.ByteBuffer.wrap(file, (int) o + 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
            o += len;
            ends.add(o);
        }
        return ends;
    }

    private ScapCapture read(byte[] bytes) throws Exception {
        Path p = dir.resolve("f.scap");
        Files.write(p, bytes);
        return ScapReader.readAll(p);
    }

    @Test
    void everyCutReadsToTheLastCompleteBlock() throws Exception {
        byte[] full = capture();
        List<ScapEvent> all = Fixtures.events();
        ScapCapture whole = read(full);
        assertNull(whole.error());
        assertEquals(all, whole.events());
        List<Long> blockEnds = eventEnds(full, 0); // every block, header blocks included
        long firstEvent = -1;
        // find the first event block: the header blocks are followed by the first EV_V2 (0x216)
        for (int o = 0; o < full.length; o += 4) {
            if (java.nio.ByteBuffer.wrap(full, o, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() == 0x216) {
                firstEvent = o;
                break;
            }
        }
        List<Long> ends = eventEnds(full, firstEvent);
        assertEquals(all.size(), ends.size());
        for (int cut = 0; cut < full.length; cut++) {
            ScapCapture c = read(Arrays.copyOf(full, cut));
            int complete = 0;
            while (complete < ends.size() && ends.get(complete) <= cut) {
                complete++;
            }
            assertEquals(all.subList(0, cut < firstEvent ? 0 : complete), c.events(), "cut at " + cut);
            boolean clean = cut > 0 && blockEnds.contains((long) cut);
            if (clean) {
                assertNull(c.error(), "cut at a block boundary " + cut);
            } else {
                assertNotNull(c.error(), "cut at " + cut);
                String msg = c.error().getMessage();
                assertFalse(msg.contains("\n"), msg);
                assertTrue(msg.contains("byte offset "), msg);
                if (cut >= firstEvent) {
                    long expected = complete == 0 ? firstEvent : ends.get(complete - 1);
                    assertEquals(expected, c.error().offset(), "cut at " + cut + ": " + msg);
                }
            }
        }
    }

    @Test
    void flippedBytesGiveOneLineErrorsOrValidEvents() throws Exception {
        byte[] full = capture();
        Random r = new Random(13);
        int errors = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] bad = full.clone();
            int flips = 1 + r.nextInt(3);
            for (int f = 0; f < flips; f++) {
                bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
            }
            ScapCapture c = read(bad); // any exception other than the typed error fails the test here
            if (c.error() != null) {
                errors++;
                assertFalse(c.error().getMessage().contains("\n"));
                assertTrue(c.error().offset() >= 0 && c.error().offset() <= bad.length, c.error().getMessage());
                assertTrue(c.events().size() <= Fixtures.events().size());
            }
        }
        assertTrue(errors > 0, "no flip was detected at all");
    }

    @Test
    void notACaptureIsSaidSo() throws Exception {
        ScapCapture c = read("hello world, not a capture".getBytes());
        assertEquals(ScapFormatException.Kind.NOT_A_CAPTURE, c.error().kind());
        assertEquals(0, c.error().offset());
        assertTrue(c.events().isEmpty());
    }

    /**
     * A section header laid out big-endian by hand (pcapng SHB as libscap writes it on s390x: type, length, magic
     * 0x1a2b3c4d, major 1, minor 2, section length -1, trailing length), then this writer's events: refused in one
     * line that names the byte order, not read as a corrupt block.
     */
    @Test
    void bigEndianCaptureIsSaidSo() throws Exception {
        java.nio.ByteBuffer shb = java.nio.ByteBuffer.allocate(28).order(java.nio.ByteOrder.BIG_ENDIAN);
        shb.putInt(0x0a0d0d0a).putInt(28).putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 2).putLong(-1).putInt(28);
        byte[] rest = capture();
        byte[] be = Arrays.copyOf(shb.array(), 28 + rest.length);
        System.arraycopy(rest, 0, be, 28, rest.length);
        ScapCapture c = read(be);
        assertEquals(ScapFormatException.Kind.NOT_A_CAPTURE, c.error().kind());
        assertTrue(c.error().getMessage().contains("big-endian capture"), c.error().getMessage());
        assertFalse(c.error().getMessage().contains("\n"));
        assertTrue(c.events().isEmpty());
    }
}
