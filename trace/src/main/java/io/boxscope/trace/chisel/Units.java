package io.boxscope.trace.chisel;

import java.util.Locale;

/**
 * How sysdig's chisels print bytes and times (chisels/common.lua, format_bytes and
 * format_time_interval, sysdig 0.29): {@code 1.50KB}, {@code 35B}, {@code 2.00us}, {@code 12ms}.
 */
public final class Units {
    private static final long KB = 1024;

    private Units() {}

    /** format_bytes: binary units with two decimals above 1024 (strictly), else whole bytes. */
    public static String bytes(long v) {
        double d = v;
        if (v > KB * KB * KB * KB * KB) {
            return String.format(Locale.ROOT, "%.2fP", d / (KB * KB * KB * KB * KB));
        } else if (v > KB * KB * KB * KB) {
            return String.format(Locale.ROOT, "%.2fT", d / (KB * KB * KB * KB));
        } else if (v > KB * KB * KB) {
            return String.format(Locale.ROOT, "%.2fG", d / (KB * KB * KB));
        } else if (v > KB * KB) {
            return String.format(Locale.ROOT, "%.2fM", d / (KB * KB));
        } else if (v > KB) {
            return String.format(Locale.ROOT, "%.2fKB", d / KB);
        }
        return v + "B";
    }

    /**
     * format_time_interval: seconds with two decimals from 1 s, whole ms from 10 ms, ms with two decimals
     * from 1 ms, whole us from 10 us, us with two decimals from 1 us, else ns (fractions truncated, as
     * Lua's %u truncates).
     */
    public static String time(long ns) {
        if (ns >= 1_000_000_000L) {
            return ns / 1_000_000_000L + "." + two((ns % 1_000_000_000L) / 10_000_000L) + "s";
        } else if (ns >= 10_000_000L) {
            return ns / 1_000_000L + "ms";
        } else if (ns >= 1_000_000L) {
            return ns / 1_000_000L + "." + two((ns % 1_000_000L) / 10_000L) + "ms";
        } else if (ns >= 10_000L) {
            return ns / 1_000L + "us";
        } else if (ns >= 1_000L) {
            return ns / 1_000L + "." + two((ns % 1_000L) / 10L) + "us";
        }
        return ns + "ns";
    }

    private static String two(long v) {
        return v < 10 ? "0" + v : Long.toString(v);
    }

    /**
     * A number as Lua 5.1 and LuaJIT print it ({@code tostring}, C's {@code %.14g}): integers without a
     * point, others with up to 14 significant digits and no trailing zeros, exponent form below 1e-4 or
     * from 1e14 ({@code 5e-05}).
     */
    public static String luaNumber(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e14) {
            return Long.toString((long) d);
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf";
        }
        java.math.BigDecimal b = new java.math.BigDecimal(d).round(new java.math.MathContext(14, java.math.RoundingMode.HALF_EVEN))
                .stripTrailingZeros();
        int exp = b.precision() - b.scale() - 1;
        if (exp >= -4 && exp < 14) {
            return b.toPlainString();
        }
        String digits = b.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (b.signum() < 0 ? "-" : "") + mantissa + (exp < 0 ? "e-" : "e+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    /** common.lua's extend_string: pad with spaces to {@code n}, or cut to n-1 characters and a space. */
    public static String extend(String s, int n) {
        if (s.length() < n) {
            return s + " ".repeat(n - s.length());
        }
        return n > 0 ? s.substring(0, n - 1) + " " : "";
    }
}
