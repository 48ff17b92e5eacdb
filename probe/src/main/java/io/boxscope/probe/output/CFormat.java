package io.boxscope.probe.output;

import java.util.Arrays;
import io.boxscope.proc.RawText;

/**
 * C's {@code snprintf} (glibc) for one piece of a bpftrace format string with its one argument,
 * integers passed as 64-bit values as bpftrace passes them: {@code %d} and {@code %u} see the
 * low 32 bits, {@code %hd} 16, {@code %hhu} 8, {@code %c} a byte, {@code %ld}/{@code %lld}/
 * {@code %j}/{@code %z}/{@code %t} all 64; {@code %p} is {@code 0x...} or {@code (nil)}. Widths
 * and precisions count bytes, as C does. {@code %%} is a percent sign. The first conversion takes
 * the argument; a later one (undefined behaviour in C, where it reads garbage) is kept literally.
 */
final class CFormat {
    private CFormat() {}

    static String apply(String piece, Object arg) {
        StringBuilder out = new StringBuilder();
        boolean used = false;
        int i = 0;
        while (i < piece.length()) {
            char ch = piece.charAt(i);
            if (ch != '%') {
                out.append(ch);
                i++;
                continue;
            }
            Spec spec = Spec.parse(piece, i);
            if (spec == null) {
                out.append(ch);
                i++;
                continue;
            }
            if (spec.conversion == '%') {
                out.append('%');
            } else if (!used) {
                out.append(spec.format(arg));
                used = true;
            } else {
                out.append(piece, i, spec.end);
            }
            i = spec.end;
        }
        return out.toString();
    }

    /** One parsed conversion: {@code %[flags][width][.precision][length]conversion}. */
    static final class Spec {
        boolean left;
        boolean zero;
        boolean plus;
        boolean space;
        boolean alt;
        int width;
        int precision = -1;
        String length = "";
        char conversion;
        int end;

        static Spec parse(String s, int start) {
            Spec p = new Spec();
            int i = start + 1;
            for (; i < s.length() && "-+ #0".indexOf(s.charAt(i)) >= 0; i++) {
                switch (s.charAt(i)) {
                    case '-' -> p.left = true;
                    case '+' -> p.plus = true;
                    case ' ' -> p.space = true;
                    case '#' -> p.alt = true;
                    default -> p.zero = true;
                }
            }
            for (; i < s.length() && Character.isDigit(s.charAt(i)); i++) {
                p.width = p.width * 10 + (s.charAt(i) - '0');
            }
            if (i < s.length() && s.charAt(i) == '.') {
                p.precision = 0;
                for (i++; i < s.length() && Character.isDigit(s.charAt(i)); i++) {
                    p.precision = p.precision * 10 + (s.charAt(i) - '0');
                }
            }
            int lenStart = i;
            while (i < s.length() && "hljztLq".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            p.length = s.substring(lenStart, i);
            if (i >= s.length() || "diouxXcspn%".indexOf(s.charAt(i)) < 0) {
                return null;
            }
            p.conversion = s.charAt(i);
            p.end = i + 1;
            return p;
        }

        String format(Object arg) {
            return switch (conversion) {
                case 's' -> pad(truncate(String.valueOf(arg)));
                case 'c' -> pad(charText((int) (bits(arg) & 0xff)));
                case 'p' -> pointer(bits(arg));
                case 'd', 'i' -> integer(signedValue(bits(arg)), 10, false);
                case 'u' -> integer(unsignedValue(bits(arg)), 10, false);
                case 'o' -> integer(unsignedValue(bits(arg)), 8, false);
                case 'x' -> integer(unsignedValue(bits(arg)), 16, false);
                case 'X' -> integer(unsignedValue(bits(arg)), 16, true);
                default -> "";
            };
        }

        private static long bits(Object arg) {
            return switch (arg) {
                case Value.Int i -> i.bits();
                case Value.Pointer p -> p.address();
                default -> throw new FormatException("an integer conversion was given " + arg);
            };
        }

        /**
         * C's {@code %.Ns}: at most {@code precision} bytes, cut where the byte count says even inside a multi-byte
         * character, as glibc's printf cuts (the cut character's bytes stay as they are, {@link RawText}).
         */
        private String truncate(String s) {
            if (precision < 0) {
                return s;
            }
            byte[] b = RawText.encode(s);
            return b.length <= precision ? s : RawText.decode(Arrays.copyOf(b, precision));
        }

        /** {@code %c}'s one byte as the values path's text: a byte above 0x7f is that byte ({@link RawText}), not U+0080..U+00FF. */
        private static String charText(int b) {
            return String.valueOf((char) (b < 0x80 ? b : 0xdc00 | b));
        }

        private boolean wide() {
            return length.startsWith("l") || length.equals("j") || length.equals("z") || length.equals("t")
                    || length.equals("q") || length.equals("L");
        }

        private long signedValue(long v) {
            if (wide()) {
                return v;
            }
            return switch (length) {
                case "hh" -> (byte) v;
                case "h" -> (short) v;
                default -> (int) v;
            };
        }

        private long unsignedValue(long v) {
            if (wide()) {
                return v;
            }
            return switch (length) {
                case "hh" -> v & 0xff;
                case "h" -> v & 0xffff;
                default -> v & 0xffffffffL;
            };
        }

        private String integer(long v, int radix, boolean upper) {
            boolean signed = conversion == 'd' || conversion == 'i';
            boolean negative = signed && v < 0;
            String digits = signed ? (negative ? Long.toString(v).substring(1) : Long.toString(v))
                    : Long.toUnsignedString(v, radix);
            if (upper) {
                digits = digits.toUpperCase(java.util.Locale.ROOT);
            }
            if (precision == 0 && v == 0) {
                digits = "";
            }
            if (precision > digits.length()) {
                digits = "0".repeat(precision - digits.length()) + digits;
            }
            String prefix = negative ? "-" : signed && plus ? "+" : signed && space ? " " : "";
            if (alt && conversion == 'o' && !digits.startsWith("0")) {
                digits = "0" + digits;
            } else if (alt && v != 0 && (conversion == 'x' || conversion == 'X')) {
                prefix = upper ? "0X" : "0x";
            }
            if (zero && !left && precision < 0) {
                int fill = width - prefix.length() - digits.length();
                if (fill > 0) {
                    digits = "0".repeat(fill) + digits;
                }
            }
            return pad(prefix + digits);
        }

        private String pointer(long v) {
            if (v == 0) {
                return pad("(nil)");
            }
            String digits = Long.toHexString(v);
            if (zero && !left) {
                int fill = width - 2 - digits.length();
                if (fill > 0) {
                    digits = "0".repeat(fill) + digits;
                }
            }
            return pad("0x" + digits);
        }

        /** Whether {@link #integerBytes} formats this conversion (the integer ones: no {@code %c}, {@code %p}). */
        boolean integerConversion() {
            return "diouxX".indexOf(conversion) >= 0;
        }

        /**
         * {@link #format}'s text for an integer argument of {@code bits}, as UTF-8 bytes appended to {@code out}
         * without building a String ({@link PrintfBytes}); {@code digits} is scratch space of at least 24 bytes.
         */
        void integerBytes(long bits, TextBuffer out, byte[] digits) {
            boolean signed = conversion == 'd' || conversion == 'i';
            long v = signed ? signedValue(bits) : unsignedValue(bits);
            boolean negative = signed && v < 0;
            int radix = conversion == 'o' ? 8 : conversion == 'x' || conversion == 'X' ? 16 : 10;
            int n = 0;
            if (!(precision == 0 && v == 0)) {
                n = signed ? signedDigits(v, digits) : unsignedDigits(v, radix, conversion == 'X', digits);
            }
            int precisionZeros = Math.max(0, precision - n);
            byte[] prefix = negative ? MINUS : signed && plus ? PLUS : signed && space ? SPACE : NONE;
            boolean octalZero = alt && conversion == 'o' && precisionZeros == 0
                    && !(n > 0 && digits[digits.length - n] == '0');
            if (alt && v != 0 && (conversion == 'x' || conversion == 'X')) {
                prefix = conversion == 'X' ? HEX_UPPER : HEX_LOWER;
            }
            int body = n + precisionZeros + (octalZero ? 1 : 0);
            int zeroFill = zero && !left && precision < 0 ? Math.max(0, width - prefix.length - body) : 0;
            int fill = width - (prefix.length + zeroFill + body);
            if (!left) {
                out.fill((byte) ' ', fill);
            }
            out.bytes(prefix);
            out.fill((byte) '0', zeroFill + precisionZeros + (octalZero ? 1 : 0));
            out.bytes(digits, digits.length - n, n);
            if (left) {
                out.fill((byte) ' ', fill);
            }
        }

        /** The decimal digits of |v| at the end of {@code d}; returns how many. */
        private static int signedDigits(long v, byte[] d) {
            int i = d.length;
            long q = v;
            do { // negative arithmetic: |Long.MIN_VALUE| does not fit
                long next = q / 10;
                d[--i] = (byte) ('0' + Math.abs((int) (q - next * 10)));
                q = next;
            } while (q != 0);
            return d.length - i;
        }

        /** The digits of v as an unsigned number in {@code radix} at the end of {@code d}; returns how many. */
        private static int unsignedDigits(long v, int radix, boolean upper, byte[] d) {
            int i = d.length;
            long q = v;
            if (q < 0) { // above Long.MAX_VALUE: one unsigned step first
                long next = Long.divideUnsigned(q, radix);
                d[--i] = digit((int) (q - next * radix), upper);
                q = next;
            }
            do {
                long next = q / radix;
                d[--i] = digit((int) (q - next * radix), upper);
                q = next;
            } while (q != 0);
            return d.length - i;
        }

        private static byte digit(int d, boolean upper) {
            return (byte) (d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
        }

        /**
         * {@link #format}'s text for a {@code %s} of the string in {@code src[off, off + n)} (its bytes up to the
         * NUL, decoded as UTF-8 by the slow path), as UTF-8 bytes appended to {@code out}. ASCII is copied as it
         * is; other text takes the slow path's decode and encode, so invalid UTF-8 becomes the same U+FFFD.
         */
        /**
         * {@code %c}: the argument's low byte as it is, padded to the width (C11 7.21.6.1: the int is converted to
         * unsigned char and that character written). 200 is the byte 0xc8, not the UTF-8 encoding of U+00C8,
         * as bpftrace 0.17 writes it; only this byte path sees raw bytes, {@link #format} keeps a char. True when
         * the byte is a NUL, which ends the piece.
         */
        boolean charBytes(long bits, TextBuffer out) {
            if (!left) {
                out.fill((byte) ' ', width - 1);
            }
            if ((byte) bits == 0) {
                return true; // a NUL ends the piece bpftrace formats as a C string (corpus printf-char-nul-truncates)
            }
            out.bytes(new byte[] {(byte) bits});
            if (left) {
                out.fill((byte) ' ', width - 1);
            }
            return false;
        }

        /**
         * {@code %s} of a string's {@code n} bytes, written as they are (glibc's printf counts bytes for the width and the
         * precision and copies them unchanged; bpftrace 0.17 prints a string that is not UTF-8 as its bytes).
         */
        void stringBytes(byte[] src, int off, int n, TextBuffer out) {
            int shown = precision < 0 ? n : Math.min(n, precision);
            if (!left) {
                out.fill((byte) ' ', width - shown);
            }
            out.bytes(src, off, shown);
            if (left) {
                out.fill((byte) ' ', width - shown);
            }
        }

        private static final byte[] NONE = {}, MINUS = {'-'}, PLUS = {'+'}, SPACE = {' '},
                HEX_LOWER = {'0', 'x'}, HEX_UPPER = {'0', 'X'};

        private String pad(String s) {
            int fill = width - RawText.encode(s).length;
            if (fill <= 0) {
                return s;
            }
            return left ? s + " ".repeat(fill) : " ".repeat(fill) + s;
        }
    }
}
