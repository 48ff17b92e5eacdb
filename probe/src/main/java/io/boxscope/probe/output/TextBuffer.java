package io.boxscope.probe.output;

import java.util.Arrays;
import java.util.Objects;

/**
 * Encoded text output waiting to be written: a growable byte buffer that hands its bytes to the caller's
 * {@link Sink} on {@link #flush} and once it holds {@code limit} bytes. {@link PrintfBytes} formats a
 * {@code printf} record straight into it (no String, no charset encoder, no per-line lock), and everything
 * else written to the same buffer ({@link #utf8}) keeps its place among those lines. It plays the part of
 * C's stdio buffer (setvbuf(3)): one write a batch, not one a line. Not thread-safe: the reading thread owns it.
 */
public final class TextBuffer {
    /** Where the bytes go (standard output, a file): called on the thread that writes to the buffer. */
    @FunctionalInterface
    public interface Sink {
        void write(byte[] bytes, int offset, int length);
    }

    private final Sink sink;
    private final int limit;
    private byte[] buf;
    private int len;

    /** {@code limit}: the bytes held before they are handed on without waiting for {@link #flush}. */
    public TextBuffer(Sink sink, int limit) {
        this.sink = Objects.requireNonNull(sink, "sink");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit " + limit + " must be positive");
        }
        this.limit = limit;
        this.buf = new byte[Math.min(limit, 1 << 16) + 512];
    }

    /**
     * Appends {@code s} encoded as UTF-8, a string's bytes that were not UTF-8 as they were ({@link io.boxscope.proc.RawText}:
     * bpftrace writes them unchanged; a PrintWriter would write {@code ?} for each).
     */
    public void utf8(String s) {
        bytes(io.boxscope.proc.RawText.encode(s));
        full();
    }

    /** Appends {@code n} bytes of already encoded text (ASCII or UTF-8) from {@code b} at {@code off}. */
    public void append(byte[] b, int off, int n) {
        bytes(b, off, n);
    }

    /** Appends one byte of already encoded text (an ASCII character). */
    public void append(byte b) {
        put(b);
    }

    /** Appends {@code n} copies of {@code b} (padding); nothing when {@code n <= 0}. */
    public void repeat(byte b, int n) {
        fill(b, n);
    }

    /** After a whole line written with {@link #append}: hands the bytes on once {@code limit} bytes are held, as {@link #utf8} does. */
    public void endLine() {
        full();
    }

    /** Hands everything held to the sink. */
    public void flush() {
        if (len > 0) {
            int n = len;
            len = 0;
            sink.write(buf, 0, n);
        }
    }

    /** Bytes held, not yet handed to the sink. */
    public int pending() {
        return len;
    }

    /** After a whole line or record: flushes once {@code limit} bytes are held. */
    void full() {
        if (len >= limit) {
            flush();
        }
    }

    void bytes(byte[] b) {
        bytes(b, 0, b.length);
    }

    void bytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    void fill(byte b, int n) {
        if (n > 0) {
            ensure(n);
            Arrays.fill(buf, len, len + n, b);
            len += n;
        }
    }

    void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
