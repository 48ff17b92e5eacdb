package io.boxscope.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * {@link Pad#left} and {@link Pad#right}, which replace String.format in the tools' per-event lines,
 * print what printf's {@code %-Ns}, {@code %-Nd} and {@code %Nd} print (the JDK's Formatter is the
 * reference): padded, never cut, negative numbers with their sign.
 */
class PadTest {
    @Test
    void padLikePrintf() {
        String[] strings = {"", "a", "python3", "sixteen-chars-xy", "longer-than-sixteen-characters", "ü€"};
        for (String s : strings) {
            for (int w : new int[] {0, 3, 6, 16}) {
                String format = w == 0 ? "%s" : "%-" + w + "s";
                assertEquals(String.format(Locale.ROOT, format, s), Pad.left(new StringBuilder(), s, w).toString(), format);
            }
        }
        long[] numbers = {0, 7, -1, -2, 42, 123456, -123456, Integer.MAX_VALUE, Long.MIN_VALUE};
        for (long n : numbers) {
            for (int w : new int[] {1, 3, 6, 7}) {
                assertEquals(String.format(Locale.ROOT, "%-" + w + "d", n), Pad.left(new StringBuilder(), n, w).toString());
                assertEquals(String.format(Locale.ROOT, "%" + w + "d", n), Pad.right(new StringBuilder(), n, w).toString());
            }
        }
        assertEquals("x:ab  |", Pad.left(new StringBuilder("x:"), "ab", 4).append('|').toString(), "appends to what is there");
        assertEquals("x:  -5|", Pad.right(new StringBuilder("x:"), -5, 4).append('|').toString());
        assertEquals("x:12  |", Pad.left(new StringBuilder("x:"), 12, 4).append('|').toString(), "pads what it appended, not the builder");
    }

    /**
     * {@link Pad#fixedLeft} and {@link Pad#fixedRight} against the JDK's {@code %-W.Df} and {@code %W.Df} of
     * {@code value / 10^scale}: ties at the printed precision (Java rounds them up, away from zero), negative
     * values rounding to zero ("-0.000"), values past 10^15 (String.format itself), and pseudo-random ones.
     */
    @Test
    void fixedLikeFormatter() {
        java.util.List<Long> values = new java.util.ArrayList<>(java.util.List.of(0L, 1L, -1L, 5L, 499_999L, 500_000L,
                1_234_500_000L, 1_235_000_000L, 1_234_499_999L, -1_234_500_000L, 999_999_999L, 999_500_000L,
                12_345_500_000L, 86_400_000_000_000L, 999_999_999_999_999L, 1_000_000_000_000_000L,
                -5_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1));
        java.util.Random r = new java.util.Random(14);
        for (int i = 0; i < 20_000; i++) {
            values.add(switch (i % 4) {
                case 0 -> r.nextLong(10_000_000_000_000L);
                case 1 -> r.nextLong(1_000_000_000L) * 500_000L; // many ties at 3 decimals of seconds
                case 2 -> -r.nextLong(1_000_000_000L);
                default -> r.nextLong();
            });
        }
        int[][] cases = {{9, 3, 9}, {9, 2, 7}, {9, 6, 9}, {9, 9, 14}, {6, 3, 7}, {6, 6, 11}, {3, 5, 0}, {0, 2, 4}, {9, 0, 3}};
        for (long v : values) {
            for (int[] c : cases) {
                double d = v / Math.pow(10, c[0]);
                String left = c[2] == 0 ? "%." + c[1] + "f" : "%-" + c[2] + "." + c[1] + "f";
                String right = "%" + (c[2] == 0 ? "" : c[2]) + "." + c[1] + "f";
                String what = v + " scale " + c[0];
                assertEquals(String.format(Locale.ROOT, left, d), Pad.fixedLeft(new StringBuilder(), v, c[0], c[1], c[2]).toString(),
                        what + " " + left);
                assertEquals(String.format(Locale.ROOT, right, d), Pad.fixedRight(new StringBuilder(), v, c[0], c[1], c[2]).toString(),
                        what + " " + right);
            }
        }
        assertEquals("x:  1.500|", Pad.fixedRight(new StringBuilder("x:"), 1_500, 3, 3, 7).append('|').toString());
        assertEquals("x:1.500  |", Pad.fixedLeft(new StringBuilder("x:"), 1_500, 3, 3, 7).append('|').toString());
        for (String s : new String[] {"", "21:00:01", "longer-than-eight"}) {
            assertEquals(String.format(Locale.ROOT, "%8s", s), Pad.right(new StringBuilder(), s, 8).toString());
        }
    }
}
