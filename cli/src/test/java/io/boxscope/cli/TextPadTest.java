package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * {@link Text#left} and {@link Text#right}, which replace String.format in the tools' per-event lines,
 * print what printf's {@code %-Ns}, {@code %-Nd} and {@code %Nd} print (the JDK's Formatter is the
 * reference): padded, never cut, negative numbers with their sign.
 */
class TextPadTest {
    @Test
    void padLikePrintf() {
        String[] strings = {"", "a", "python3", "sixteen-chars-xy", "longer-than-sixteen-characters", "ü€"};
        for (String s : strings) {
            for (int w : new int[] {0, 3, 6, 16}) {
                String format = w == 0 ? "%s" : "%-" + w + "s";
                assertEquals(String.format(Locale.ROOT, format, s), Text.left(new StringBuilder(), s, w).toString(), format);
            }
        }
        long[] numbers = {0, 7, -1, -2, 42, 123456, -123456, Integer.MAX_VALUE, Long.MIN_VALUE};
        for (long n : numbers) {
            for (int w : new int[] {1, 3, 6, 7}) {
                assertEquals(String.format(Locale.ROOT, "%-" + w + "d", n), Text.left(new StringBuilder(), n, w).toString());
                assertEquals(String.format(Locale.ROOT, "%" + w + "d", n), Text.right(new StringBuilder(), n, w).toString());
            }
        }
        assertEquals("x:ab  |", Text.left(new StringBuilder("x:"), "ab", 4).append('|').toString(), "appends to what is there");
        assertEquals("x:  -5|", Text.right(new StringBuilder("x:"), -5, 4).append('|').toString());
        assertEquals("x:12  |", Text.left(new StringBuilder("x:"), 12, 4).append('|').toString(), "pads what it appended, not the builder");
    }
}
