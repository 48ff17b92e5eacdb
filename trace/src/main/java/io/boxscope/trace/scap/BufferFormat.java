package io.boxscope.trace.scap;

/**
 * How I/O buffers (BYTEBUF parameters) print, as sysdig's {@code -A}, {@code -x} and {@code -X} choose
 * (libsinsp event.cpp, binary_buffer_to_string and the functions it calls).
 */
public enum BufferFormat {
    /** Default: printable ASCII as is, every other byte as a dot. */
    DOTS,
    /**
     * {@code -A}: a newline, then printable ASCII only; CR becomes a newline, a newline is kept unless it
     * follows a CR (or starts the buffer), every other byte is left out.
     */
    ASCII,
    /** {@code -x}: rows of 16 bytes, {@code \n\t0xOFFS:} then 2-byte groups in hex, then a newline. */
    HEX,
    /** {@code -X}: as {@code -x}, the rows padded to full width and followed by the bytes in ASCII (dots for others). */
    HEX_ASCII;

    /** {@code bytes} in this format (in full). */
    public String render(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length + 16);
        append(b, bytes);
        return b.toString();
    }

    /** Appends {@code bytes} in this format. */
    void append(StringBuilder b, byte[] bytes) {
        if (bytes.length == 0) {
            return; // an empty buffer prints nothing in every format, not even a newline
        }
        switch (this) {
            case DOTS -> {
                for (byte c : bytes) {
                    b.append(printable(c) ? (char) c : '.');
                }
            }
            case ASCII -> {
                b.append('\n');
                for (int j = 0; j < bytes.length; j++) {
                    byte c = bytes[j];
                    if (printable(c)) {
                        b.append((char) c);
                    } else if (c == '\r') {
                        b.append('\n');
                    } else if (c == '\n' && j > 0 && bytes[j - 1] != '\r') {
                        b.append('\n');
                    }
                }
            }
            case HEX, HEX_ASCII -> {
                for (int j = 0; j < bytes.length; j += 16) {
                    b.append(String.format("\n\t0x%04x:", j));
                    int chunks = 0;
                    for (int p = j; chunks < 8 && p < bytes.length; p += 2, chunks++) {
                        if (p == bytes.length - 1) {
                            b.append(String.format(" %02x", bytes[p] & 0xff));
                        } else {
                            b.append(String.format(" %02x%02x", bytes[p] & 0xff, bytes[p + 1] & 0xff));
                        }
                    }
                    if (this == HEX_ASCII) {
                        b.append(" ".repeat(5 * (8 - chunks))).append("  ");
                        for (int p = j; p < j + 16 && p < bytes.length; p++) {
                            b.append(printable(bytes[p]) ? (char) bytes[p] : '.');
                        }
                    }
                }
                b.append('\n');
            }
        }
    }

    private static boolean printable(byte c) {
        return c >= 0x20 && c < 0x7f;
    }
}
