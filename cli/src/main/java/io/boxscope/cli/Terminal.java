package io.boxscope.cli;

import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * Where a {@link View} writes its text: standard output and error as picocli holds them, and the
 * byte stream behind standard output for text already encoded (pmap's rows).
 */
public final class Terminal {
    private final PrintWriter out;
    private final PrintWriter err;
    private final PrintStream raw;

    Terminal(PrintWriter out, PrintWriter err, PrintStream raw) {
        this.out = out;
        this.err = err;
        this.raw = raw;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    /** Writes bytes as they are to standard output, after whatever {@link #out()} holds. */
    public void bytes(byte[] bytes) {
        out.flush();
        raw.write(bytes, 0, bytes.length);
        raw.flush();
    }

    /**
     * Writes {@code len} bytes of {@code bytes} from {@code off} as they are to standard output, after whatever
     * {@link #out()} holds (a stream's batch of already-encoded lines: one write for many lines).
     */
    public void bytes(byte[] bytes, int off, int len) {
        out.flush();
        raw.write(bytes, off, len);
        raw.flush();
    }

    /**
     * Whether standard output failed (a closed pipe, a full disk): the byte stream's error state, which Main reports at
     * the end; a writer of raw bytes (trace -w -) stops on it.
     */
    public boolean failed() {
        return raw.checkError();
    }

    /** "notice: ..." on standard error, made {@link Text#safe}. */
    public void notice(String message) {
        err.println("notice: " + Text.safe(message));
    }
}
