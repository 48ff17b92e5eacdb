package io.boxscope.mem.pmap;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * pmap's output as UTF-8 bytes, built directly: a -x listing of 10,000 mappings is a megabyte
 * rendered in a JVM that has just started, where formatting numbers into a byte array costs a
 * fraction of String and StringBuilder calls. Everything but the -X/-XX names and the first line's
 * command is ASCII.
 */
final class Out {
    private byte[] b;
    private int n;
    private final byte[] digits = new byte[20];

    Out(int capacity) {
        b = new byte[Math.max(64, capacity)];
    }

    private void room(int k) {
        if (n + k > b.length) {
            b = Arrays.copyOf(b, Math.max(b.length * 2, n + k));
        }
    }

    /** One ASCII character. */
    Out ch(char c) {
        room(1);
        b[n++] = (byte) c;
        return this;
    }

    /** One byte as is (the caller makes sure it is ASCII). */
    Out raw(int c) {
        room(1);
        b[n++] = (byte) c;
        return this;
    }

    /** ASCII bytes as they are (labels prepared once). */
    Out ascii(byte[] a) {
        return raw(a);
    }

    /** Bytes as they are, whatever they are (the command line, already escaped as procps does). */
    Out raw(byte[] a) {
        room(a.length);
        System.arraycopy(a, 0, b, n, a.length);
        n += a.length;
        return this;
    }

    Out repeat(char c, int count) {
        if (count > 0) {
            room(count);
            Arrays.fill(b, n, n + count, (byte) c);
            n += count;
        }
        return this;
    }

    /** Any text, encoded as UTF-8 (what printing the String through a UTF-8 writer gives). */
    Out text(String s) {
        int len = s.length();
        room(len);
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return utf8(s.substring(i));
            }
            b[n++] = (byte) c;
        }
        return this;
    }

    private Out utf8(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        room(u.length);
        System.arraycopy(u, 0, b, n, u.length);
        n += u.length;
        return this;
    }

    /** {@code s} right-aligned in {@code width} columns (pmap's %*s); never cut. */
    Out right(String s, int width) {
        return repeat(' ', width - s.length()).text(s);
    }

    /** A non-negative decimal right-aligned in {@code width} columns (%*lu); negative values print as Long.toString. */
    Out right(long v, int width) {
        if (v < 0) {
            return right(Long.toString(v), width);
        }
        int k = digits.length;
        do {
            digits[--k] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        int len = digits.length - k;
        repeat(' ', width - len);
        room(len);
        System.arraycopy(digits, k, b, n, len);
        n += len;
        return this;
    }

    Out dec(long v) {
        return right(v, 0);
    }

    /** Number of decimal digits {@link #dec} prints for {@code v}. */
    static int width(long v) {
        if (v < 0) {
            return Long.toString(v).length();
        }
        int w = 1;
        while (v >= 10) {
            v /= 10;
            w++;
        }
        return w;
    }

    /** 16 hex digits, zero-padded (%016lx). */
    Out hex16(long v) {
        room(16);
        for (int i = 15; i >= 0; i--) {
            int d = (int) (v & 0xf);
            b[n + i] = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
            v >>>= 4;
        }
        n += 16;
        return this;
    }

    byte[] bytes() {
        return Arrays.copyOf(b, n);
    }

    @Override
    public String toString() {
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
