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
     * Writes text that holds strings a process chose (comms, paths), rendered by {@code render} with the escaping for
     * where standard output goes ({@link Text#escaping}): on a terminal escaped, through {@link #out()}; to a file or a
     * pipe with bytes that are not UTF-8 as they are ({@link #rawText}), as libbpf-tools' printf {@code %s} writes them.
     */
    public void processText(java.util.function.Function<java.util.function.UnaryOperator<String>, String> render) {
        boolean tty = CliCommand.stdoutIsTty();
        String text = render.apply(Text.escaping(tty));
        if (tty) {
            out.print(text);
        } else {
            rawText(text);
        }
    }

    /**
     * Writes text to standard output as {@link io.boxscope.proc.RawText} encodes it, after whatever {@link #out()} holds:
     * UTF-8, and a byte that was not UTF-8 (kept by RawText, left by {@link Text#safeKeepingBytes}) as that byte, where
     * {@link #out()}'s encoder would write {@code ?} for it. For text to a file or a pipe.
     */
    public void rawText(String s) {
        bytes(io.boxscope.proc.RawText.encode(s));
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
