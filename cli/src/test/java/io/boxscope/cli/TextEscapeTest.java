package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link Text#needsEscape}, the check every printed trace line goes through, against {@link Text#safe}: a
 * character needs an escape exactly when safe rewrites it and it is not the backslash (which safe doubles but
 * which alone does not make a line need escaping, as sysdig prints 0x5c as one byte). Every UTF-16 code unit is
 * checked alone, after a run of printable ASCII (the fast path) and before one, so a fast path that skips too
 * much or stops at the wrong place fails here.
 */
class TextEscapeTest {
    @Test
    void everyCodeUnitAgreesWithSafe() {
        String plain = "12:00:00.000000000 0 find (4242) < openat fd=3(<f>/etc/passwd) ";
        for (int c = 0; c <= 0xffff; c++) {
            String one = String.valueOf((char) c);
            boolean expected = c != '\\' && !Text.safe(one).equals(one);
            assertEquals(expected, Text.needsEscape(one), () -> "U+" + Integer.toHexString(one.charAt(0)));
            assertEquals(expected, Text.needsEscape(plain + one), () -> "after ASCII: U+" + Integer.toHexString(one.charAt(0)));
            assertEquals(expected, Text.needsEscape(one + plain), () -> "before ASCII: U+" + Integer.toHexString(one.charAt(0)));
        }
    }

    @Test
    void hostileNamesNeedEscapesAndPlainLinesDoNot() {
        assertFalse(Text.needsEscape(""));
        assertFalse(Text.needsEscape("~ !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}"));
        assertFalse(Text.needsEscape("caf\u00e9 \u00a0 \u4e2d\u6587")); // Latin-1 letters, NBSP, CJK: printed as they are
        assertTrue(Text.needsEscape("comm\u001b[31m\nforged line"));   // escape sequence and newline in a comm
        assertTrue(Text.needsEscape("x\u202eexe.sh"));                 // right-to-left override (Trojan Source)
        assertTrue(Text.needsEscape("a\u009bb"));                      // C1 CSI
        assertTrue(Text.needsEscape("a\u007f"));                       // DEL
        assertTrue(Text.needsEscape("a\u2069"));                       // pop directional isolate
        assertEquals("a\\x7f", Text.safeVerbatimWhenPlain("a\u007f"));
        assertEquals("a\\b", Text.safeVerbatimWhenPlain("a\\b"));      // a plain line keeps its one backslash
    }

    /**
     * A byte that was not UTF-8, kept by RawText as a lone U+DC80..U+DCFF (probe's strings: bpftrace writes the byte),
     * shows on a terminal as {@code \xNN}; a terminal's encoder would have written {@code ?}. A surrogate pair (a
     * character above U+FFFF) is left alone; any other lone surrogate is {@code \\uNNNN}.
     */
    @Test
    void bytesThatWereNotUtf8ShowAsHexEscapes() {
        String s = io.boxscope.proc.RawText.decode(new byte[] {'a', (byte) 0xff, 'b', (byte) 0xc3});
        assertEquals("a\\xffb\\xc3", Text.safe(s));
        assertTrue(Text.needsEscape(s));
        assertEquals("\uD83D\uDE00", Text.safe("\uD83D\uDE00"));
        assertFalse(Text.needsEscape("\uD83D\uDE00"));
        assertEquals("x\\ud83dy", Text.safe("x\uD83Dy"));
        assertEquals("a\\xff\n\\xfe", Text.safeLines(io.boxscope.proc.RawText.decode(new byte[] {'a', (byte) 0xff, '\n', (byte) 0xfe})));
    }
}
