package io.boxscope.tools.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.UnaryOperator;
import io.boxscope.probe.output.TextBuffer;
import io.boxscope.probe.runtime.PrintfRecord;
import io.boxscope.proc.Pad;
import io.boxscope.proc.RawText;

/**
 * printf's padded columns written as bytes into a {@link TextBuffer}, for the tools' {@link RecordLines}: the
 * same text as {@link Pad} appends to a StringBuilder and the command's line then encodes as UTF-8. Strings that
 * a process controls (comm, paths, arguments) go through the caller's terminal escaping ({@code safe}: cli's
 * {@code Text.safe}) exactly as the String lines do; a string whose bytes are printable ASCII other than the
 * backslash is left unchanged by that escaping, so it is copied from the record as it is (the fast path), and
 * any other takes the String path: decoded as the values path decodes it ({@link RawText}: bytes that are not
 * UTF-8 kept), escaped, padded by {@link Pad}, encoded back ({@link RawText#encode}: such a byte the escaping
 * left alone is written as it was, as libbpf-tools write it). Not thread-safe: the reading thread owns it.
 */
public final class LineBytes {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final TextBuffer out;
    private final UnaryOperator<String> safe;
    private final byte[] digits = new byte[20];
    /**
     * The local zone, looked up at the first {@link #time} (-T) and not when the writer is made, before the tool's
     * header: {@code ZoneId.systemDefault()} reads and indexes the JDK's tzdb.dat twice (TimeZone's and java.time's
     * rules), interpreted code on the way to the header of every run, -T or not (docs/benchmarks.md, "tzdb").
     */
    private ZoneId zone;
    private long second = Long.MIN_VALUE;
    private byte[] hms;

    /** {@code safe}: the terminal escaping of the String lines (cli's {@code Text.safe}). */
    public LineBytes(TextBuffer out, UnaryOperator<String> safe) {
        this.out = out;
        this.safe = safe;
    }

    /** The terminal escaping this writer applies (for a column built as a String). */
    public String safe(String s) {
        return safe.apply(s);
    }

    /** {@code %-Wd}: {@code n} in decimal, then spaces up to {@code width}. */
    public LineBytes left(long n, int width) {
        int len = digits(n);
        out.append(digits, digits.length - len, len);
        out.repeat((byte) ' ', width - len);
        return this;
    }

    /** {@code %Wd}: spaces, then {@code n} in decimal, {@code width} characters in all. */
    public LineBytes right(long n, int width) {
        int len = digits(n);
        out.repeat((byte) ' ', width - len);
        out.append(digits, digits.length - len, len);
        return this;
    }

    /** {@code %0Wo} of an int (negative ones as their unsigned 32 bits, as Java's and C's %o print them). */
    public LineBytes octal(int n, int width) {
        long v = n & 0xffffffffL;
        int i = digits.length;
        do {
            digits[--i] = (byte) ('0' + (v & 7));
            v >>>= 3;
        } while (v != 0);
        out.repeat((byte) '0', width - (digits.length - i));
        out.append(digits, i, digits.length - i);
        return this;
    }

    /** One ASCII character. */
    public LineBytes ch(char c) {
        out.append((byte) c);
        return this;
    }

    /** Text that needs no escaping (already safe, or the tool's own), padded to {@code width} as {@code %-Ws}. */
    public LineBytes left(String s, int width) {
        text(Pad.left(new StringBuilder(Math.max(width, s.length())), s, width).toString());
        return this;
    }

    /** Text as it is: encoded as UTF-8, a byte {@link RawText} kept written as that byte. */
    public LineBytes text(String s) {
        byte[] b = RawText.encode(s);
        out.append(b, 0, b.length);
        return this;
    }

    /** {@code %-Ws} of a record's string argument, escaped: {@code Pad.left(safe(s), width)}. */
    public LineBytes safeLeft(PrintfRecord r, int index, int width) {
        byte[] b = r.bytes();
        int at = r.at(index);
        int n = r.length(index);
        if (plain(b, at, n, false)) {
            out.append(b, at, n);
            out.repeat((byte) ' ', width - n);
        } else {
            left(safe.apply(RawText.decode(b, at, n)), width);
        }
        return this;
    }

    /** A record's string argument, escaped: {@code safe(s)}. */
    public LineBytes safe(PrintfRecord r, int index) {
        return safe(r.bytes(), r.at(index), r.length(index));
    }

    /** {@code n} bytes of a string at {@code at} in {@code b} (as the values path decodes them), escaped: {@code safe(s)}. */
    public LineBytes safe(byte[] b, int at, int n) {
        if (plain(b, at, n, false)) {
            out.append(b, at, n);
        } else {
            text(safe.apply(RawText.decode(b, at, n)));
        }
        return this;
    }

    /**
     * Whether {@code n} bytes at {@code at} are printable ASCII (0x20-0x7e) other than the backslash (and other
     * than the double quote when {@code quote}): text the escaping leaves as it is, one byte a character.
     */
    public static boolean plain(byte[] b, int at, int n, boolean quote) {
        for (int i = at; i < at + n; i++) {
            byte c = b[i];
            if (c < 0x20 || c == 0x7f || c == '\\' || (quote && c == '"')) { // bytes >= 0x80 are negative
                return false;
            }
        }
        return true;
    }

    /** {@code %-8s } of the local time {@code HH:mm:ss} now (opensnoop -T, execsnoop -T), formatted once a second. */
    public LineBytes time() {
        long ms = System.currentTimeMillis();
        long s = Math.floorDiv(ms, 1000);
        if (s != second) {
            second = s;
            if (zone == null) {
                zone = ZoneId.systemDefault();
            }
            hms = LocalTime.ofInstant(Instant.ofEpochMilli(ms), zone).format(HMS).getBytes(StandardCharsets.US_ASCII);
        }
        out.append(hms, 0, hms.length);
        return this;
    }

    /** Ends the line (a newline) and lets the buffer hand its bytes on when full. */
    public void end() {
        out.append((byte) '\n');
        out.endLine();
    }

    /** The decimal digits of {@code n} at the end of {@link #digits}; returns how many. */
    private int digits(long n) {
        if (n == Long.MIN_VALUE) {
            byte[] s = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(s, 0, digits, digits.length - s.length, s.length);
            return s.length;
        }
        long v = Math.abs(n);
        int i = digits.length;
        do {
            digits[--i] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        if (n < 0) {
            digits[--i] = '-';
        }
        return digits.length - i;
    }
}
