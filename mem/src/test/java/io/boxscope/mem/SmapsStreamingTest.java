package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import io.boxscope.mem.smaps.Mapping;
import io.boxscope.mem.smaps.Rollup;
import io.boxscope.mem.smaps.SmapsFields;
import io.boxscope.mem.smaps.SmapsParser;
import io.boxscope.proc.ProcParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parser is fed the file in chunks as it is read: wherever a read ends (mid-key, mid-number,
 * right before or after a newline, inside a name), the result must be the same as parsing the
 * whole file at once.
 */
class SmapsStreamingTest {
    static byte[] bytes(String fixture) {
        return Fixtures.raw(fixture).getBytes(StandardCharsets.ISO_8859_1);
    }

    static List<Mapping> inChunks(byte[] b, int... cuts) {
        SmapsParser p = new SmapsParser("chunks");
        int from = 0;
        for (int cut : cuts) {
            p.feed(b, from, cut);
            from = cut;
        }
        p.feed(b, from, b.length);
        return p.finish();
    }

    @ParameterizedTest
    @ValueSource(strings = {"proc/7416/smaps", "proc/7416/maps", "proc/7416/smaps_rollup", "hostile/truncated.smaps",
            "hostile/odd-fields.smaps"})
    void everySplitPointGivesTheSameMappings(String fixture) {
        byte[] b = bytes(fixture);
        List<Mapping> whole = SmapsParser.parse(b, b.length, fixture);
        assertTrue(!whole.isEmpty());
        for (int cut = 0; cut <= b.length; cut++) {
            assertEquals(whole, inChunks(b, cut), fixture + " cut at " + cut);
        }
    }

    @Test
    void byteByByteAndRandomChunksOfBigFiles() {
        for (String fixture : List.of("proc/7449/smaps", "proc/7450/smaps")) {
            byte[] b = bytes(fixture);
            List<Mapping> whole = SmapsParser.parse(b, b.length, fixture);
            SmapsParser one = new SmapsParser(fixture);
            for (int i = 0; i < b.length; i++) {
                one.feed(b, i, i + 1);
            }
            assertEquals(whole, one.finish(), fixture + " a byte at a time");
            Random r = new Random(42);
            for (int round = 0; round < 50; round++) {
                int[] cuts = r.ints(20, 0, b.length + 1).sorted().toArray();
                assertEquals(whole, inChunks(b, cuts), fixture + " cuts " + java.util.Arrays.toString(cuts));
            }
        }
    }

    @Test
    void streamingKeepsOneSchemaForAllEntries() {
        byte[] b = bytes("proc/7449/smaps");
        List<Mapping> ms = inChunks(b, 1000, 1001, 5000, 77777);
        for (Mapping m : ms) {
            assertTrue(m.fields().sameNames(ms.getFirst().fields()));
        }
    }

    @Test
    void errorsAreTheSameWhereverTheChunksEnd() {
        for (String fixture : List.of("hostile/nokey.smaps", "hostile/badrange.smaps")) {
            byte[] b = bytes(fixture);
            for (int cut = 0; cut <= b.length; cut++) {
                int c = cut;
                assertThrows(ProcParseException.class, () -> inChunks(b, c), fixture + " cut at " + c);
            }
        }
    }

    @Test
    void unterminatedLastLineIsKeptOnlyIfWhole() {
        String text = "55d0c0000000-55d0c0001000 r--p 00000000 fe:00 12 /bin/x\nRss:   4 kB\nPss:   2";
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 0; cut <= b.length; cut++) {
            List<Mapping> ms = inChunks(b, cut);
            assertEquals(1, ms.size());
            assertEquals(4, ms.getFirst().kb("Rss"));
            assertEquals(2, ms.getFirst().kb("Pss"), "'Pss:   2' has its key and value");
        }
        byte[] cutHeader = "55d0c0000000-55d0c0001000 r--p 00000000 fe:00 12 /bin/x\nRss:   4 kB\n55d0c0001000-55d0c00"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(1, inChunks(cutHeader, 60).size(), "a cut header line is dropped");
    }

    @Test
    void feedAfterFinishIsAnError() {
        SmapsParser p = new SmapsParser("x");
        p.finish();
        assertThrows(IllegalStateException.class, () -> p.feed(new byte[1], 0, 1));
    }

    @Test
    void headerFieldsComeFromTheLineBytes() {
        String line = "7f3a2c000000-7f3a2c021000 rw-s 0001f000 103:0a 1234567 /tmp/my file \u00e9t\u00e9 (deleted)\n"
                + "Rss:   4 kB\nVmFlags: rd wr sh mr mw me ms sd \n";
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        Mapping m = SmapsParser.parse(b, b.length, "x").getFirst();
        assertEquals("7f3a2c000000", m.startHex());
        assertEquals("7f3a2c021000", m.endHex());
        assertEquals("rw-s", m.perms());
        assertEquals('s', m.perm(3));
        assertEquals('\0', m.perm(4));
        assertEquals("0001f000", m.offsetHex());
        assertEquals("103:0a", m.device());
        assertEquals(0x103, m.deviceMajor());
        assertEquals(10, m.deviceMinor());
        assertEquals(1234567, m.inodeNumber());
        assertEquals("/tmp/my file été (deleted)", m.displayName());
        assertEquals(m.name().length(), m.nameLength());
        assertEquals('/', m.nameByte(0));
        assertTrue(m.deleted() && m.shared());
        assertEquals("rd wr sh mr mw me ms sd", m.vmFlags());
    }

    @Test
    void rollupSchemaHintSharesNamesAndIsOnlyAHint() {
        byte[] b = bytes("proc/7449/smaps_rollup");
        SmapsFields first = SmapsParser.parse(b, b.length, "r").getFirst().fields();
        SmapsParser p = new SmapsParser("r", first);
        p.feed(b, 0, b.length);
        SmapsFields again = p.finish().getFirst().fields();
        assertEquals(first, again);
        assertTrue(again.sameNames(first));
        // A hint from another kind of file changes nothing.
        byte[] other = bytes("hostile/odd-fields.smaps");
        SmapsParser q = new SmapsParser("o", first);
        q.feed(other, 0, other.length);
        assertEquals(SmapsParser.parse(other, other.length, "o"), q.finish());
        assertEquals(Rollup.of(first, Rollup.Source.ROLLUP).rss(), first.get("Rss", -1));
    }
}
