package io.boxscope.probe.lang.sema;

import java.util.List;
import java.util.OptionalLong;

/**
 * The numeric value of a positional parameter ({@code $1}) used as a number, as bpftrace 0.17 reads it: C's
 * {@code strtoll(text, &end, 0)} over the whole text, as libstdc++'s {@code std::stoll(s, nullptr, 0)} after
 * bpftrace's {@code is_numeric} check (src/ast/passes/positional_params.cpp, 0.17): leading white space, an
 * optional sign, then a {@code 0x}/{@code 0X} hexadecimal, a leading-{@code 0} octal or a decimal number, and
 * nothing after it; the value must fit {@code int64}. So {@code 010} is 8, {@code +5} and {@code " 5"} are 5,
 * while {@code 5x}, {@code 1e3}, the empty text and {@code 18446744073709551615} are not numbers (bpftrace:
 * "$1 used numerically but given ..."). A parameter past the last one is 0, as bpftrace's {@code get_param}.
 */
public final class PositionalParams {
    private PositionalParams() {}

    /** {@code $index}'s number, or empty when its text is not one. */
    public static OptionalLong number(List<String> params, int index) {
        return index > params.size() ? OptionalLong.of(0) : parse(params.get(index - 1));
    }

    /** {@code $index}'s number; for callers after the checker accepted the program (0 if it is not one). */
    public static long value(List<String> params, int index) {
        return number(params, index).orElse(0);
    }

    /** strtoll(text, &end, 0) with *end == '\0' and no overflow (C11 7.22.1.4). */
    static OptionalLong parse(String text) {
        int i = 0, n = text.length();
        while (i < n && isSpace(text.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        int radix = 10;
        if (i + 1 < n && text.charAt(i) == '0' && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')
                && i + 2 < n && Character.digit(text.charAt(i + 2), 16) >= 0) {
            radix = 16;
            i += 2;
        } else if (i < n && text.charAt(i) == '0') {
            radix = 8;
        }
        if (i >= n) {
            return OptionalLong.empty();
        }
        java.math.BigInteger v = java.math.BigInteger.ZERO;
        for (; i < n; i++) {
            int d = Character.digit(text.charAt(i), radix);
            if (d < 0 || text.charAt(i) > 0x7f) {
                return OptionalLong.empty();
            }
            v = v.multiply(java.math.BigInteger.valueOf(radix)).add(java.math.BigInteger.valueOf(d));
            if (v.bitLength() > 64) {
                return OptionalLong.empty();
            }
        }
        if (negative) {
            v = v.negate();
        }
        return v.bitLength() <= 63 ? OptionalLong.of(v.longValue()) : OptionalLong.empty();
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }
}
