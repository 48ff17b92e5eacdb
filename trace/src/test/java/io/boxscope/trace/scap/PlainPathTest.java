package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The inspector's short way to an open's file name ({@link ScapEvent#plainPath}): whenever it gives a
 * name, the name is what sinsp's concatenate_paths ({@link ScapPaths#concatenate}) makes of the path, for events
 * built in memory and for the same events read back from a file (their bytes in the block, as views too).
 */
class PlainPathTest {
    private static ScapEvent open(byte[] path) {
        return ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", Fixtures.T0, 1, 0).num(-100).str(path).num(0).num(0).build();
    }

    @Test
    void ordinaryPathsTakeTheShortWayAndOthersDoNot() {
        assertEquals("/etc/passwd", open("/etc/passwd".getBytes()).plainPath(1));
        assertEquals("/", open("/".getBytes()).plainPath(1));
        assertEquals("/home/u/.bashrc", open("/home/u/.bashrc".getBytes()).plainPath(1));
        assertEquals("etc/passwd", open("etc/passwd".getBytes()).plainPath(1));
        for (String p : List.of("", "./x", "../x", "/etc/", "/etc//passwd", "/etc/./passwd", "/etc/../passwd", "/etc/.",
                "/a..b", "/tmp/x\u0001", "/tmp/caf\u00e9")) {
            assertNull(open(p.getBytes(java.nio.charset.StandardCharsets.UTF_8)).plainPath(1), p);
        }
    }

    @Test
    void whenItGivesANameItIsConcatenatesName() throws Exception {
        byte[] alphabet = {'/', '/', '/', '.', '.', 'a', 'b', ' ', '~', 0x01, 0x7f, (byte) 0xc3, (byte) 0xa9, 0};
        Random rnd = new Random(24);
        List<ScapEvent> events = new ArrayList<>();
        List<byte[]> paths = new ArrayList<>();
        for (int k = 0; k < 5000; k++) {
            byte[] p = new byte[rnd.nextInt(9)];
            for (int j = 0; j < p.length; j++) {
                p[j] = alphabet[rnd.nextInt(alphabet.length)];
            }
            if (rnd.nextInt(3) > 0 && p.length > 0) {
                p[0] = '/';
            }
            int nul = 0;
            while (nul < p.length && p[nul] != 0) {
                nul++;
            }
            paths.add(Arrays.copyOf(p, nul));
            events.add(open(p));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ScapWriter w = ScapWriter.to(out, Fixtures.tables())) {
            for (ScapEvent e : events) {
                w.write(e);
            }
        }
        int shortWay = 0;
        try (ScapReader fresh = ScapReader.of(new ByteArrayInputStream(out.toByteArray()));
             ScapReader views = ScapReader.of(new ByteArrayInputStream(out.toByteArray()))) {
            for (int k = 0; k < events.size(); k++) {
                String built = events.get(k).plainPath(1);
                assertEquals(built, fresh.next().plainPath(1), "path " + k);
                assertEquals(built, views.nextView().plainPath(1), "path " + k);
                if (built != null) {
                    shortWay++;
                    // relative: the name is the directory and the path
                    assertEquals(ScapPaths.concatenate("/d/", paths.get(k)), built.startsWith("/") ? built : "/d/" + built,
                            Arrays.toString(paths.get(k)));
                }
            }
        }
        assertEquals(true, shortWay > 200, "only " + shortWay + " paths took the short way");
    }
}
