package io.boxscope.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RawText}: any bytes come back from decode then encode as they were; UTF-8 text decodes as UTF-8 does. */
class RawTextTest {

    @Test
    void anyBytesRoundTrip() {
        Random r = new Random(42);
        for (int n = 0; n < 2000; n++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            assertArrayEquals(b, RawText.encode(RawText.decode(b)), () -> java.util.HexFormat.of().formatHex(b));
        }
    }

    @Test
    void textIsUtf8AndInvalidBytesAreEscaped() {
        String text = "caf\u00e9 \uD83D\uDE00 \u001b[31m";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(text, RawText.decode(utf8));
        assertArrayEquals(utf8, RawText.encode(text));
        byte[] bad = {'/', 'c', (byte) 0xff, (byte) 0xed, (byte) 0xb2, (byte) 0x80, 'x'};
        assertEquals("/c\udcff\udced\udcb2\udc80x", RawText.decode(bad));
        assertArrayEquals(bad, RawText.encode(RawText.decode(bad)));
    }
}
