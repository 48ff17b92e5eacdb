package io.boxscope.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Sizes written the way sysbench takes them ({@code --memory-block-size=1K}, {@code --file-total-size=2G}):
 * a whole number with an optional binary suffix K, M, G or T (case-insensitive, powers of 1024 as in
 * sysbench's {@code sb_get_value_size}), optionally followed by "B" or "iB" ("16KiB", "1MB").
 */
public final class Sizes {
    private Sizes() {}

    /** Parses a size; throws {@link IllegalArgumentException} naming the bad text and the accepted forms. */
    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing size");
        }
        String t = text.strip();
        String u = t.toUpperCase(Locale.ROOT);
        if (u.endsWith("IB")) {
            u = u.substring(0, u.length() - 2);
        } else if (u.endsWith("B")) {
            u = u.substring(0, u.length() - 1);
        }
        int shift = 0;
        if (!u.isEmpty()) {
            switch (u.charAt(u.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = 0;
            }
        }
        String digits = shift == 0 ? u : u.substring(0, u.length() - 1);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid size '" + text
                    + "': use a whole number with an optional K, M, G or T suffix (powers of 1024), e.g. 16K or 2G");
        }
        long v;
        try {
            v = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
        if (v > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
        return v << shift;
    }

    /**
     * sysbench's {@code sb_print_value_size} (src/sb_options.c): the value divided by 1024 while it
     * is at least 1024, printed with C's {@code %.5g} and the unit: 16777216 → "16Mi", 16384 →
     * "16Ki", 100 → "100", 1572864000 → "1.4648Gi", 715827882 → "682.67Mi".
     */
    public static String sysbenchUnits(long v) {
        String[] units = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
        int i = 0;
        double d = v;
        while (d >= 1024 && i < units.length - 1) {
            d /= 1024;
            i++;
        }
        return g5(d) + units[i];
    }

    /**
     * C's {@code printf("%.5g", d)} for 0 <= d < 100000, the range sysbenchUnits produces: five
     * significant digits, rounded half-even on the exact binary value as glibc does, trailing
     * zeros and a trailing point removed.
     */
    static String g5(double d) {
        if (d == 0) {
            return "0";
        }
        BigDecimal r = new BigDecimal(d).round(new MathContext(5, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        return r.toPlainString();
    }
}
