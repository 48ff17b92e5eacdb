package io.boxscope.cli.trace;

import io.boxscope.cli.Terminal;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * {@code -w -}: the capture written to standard output, as sysdig takes {@code -} (its dumper opens "-" as stdout:
 * {@code sysdig -r F -w - | head -c 4 | xxd} shows the section header's {@code 0a0d 0d0a}); it wrote a file named
 * {@code -}. The bytes go to the stream under standard output ({@link Terminal#bytes(byte[], int, int)}), whose first
 * failure Main reports when the command ends: a closed pipe ({@code | head -c 100}) silently with the command's own
 * status, a full disk as exit 1 (DEVELOPERS.md, "Standard output errors"). The first write that fails throws
 * {@link Closed}, which ends the capture; later ones (the writer's close) are not written, the failure being already
 * recorded.
 */
final class StdoutCapture extends OutputStream {
    /** Standard output failed (its reader is gone, the disk is full): the capture ends; Main says it. */
    static final class Closed extends IOException {
        Closed() {
            super("standard output failed");
        }
    }

    private final Terminal term;
    private boolean failed;

    StdoutCapture(Terminal term) {
        this.term = term;
    }

    /** Whether {@code -w} names standard output. */
    static boolean isStdout(Path write) {
        return write != null && write.toString().equals("-");
    }

    /** Whether {@code e}, or what it wraps, is standard output's failure ({@link Closed}). */
    static boolean closed(Throwable e) {
        return e instanceof Closed || e instanceof UncheckedIOException u && u.getCause() instanceof Closed;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (failed) {
            return; // recorded at the first failure, which ended the capture
        }
        term.bytes(b, off, len);
        if (term.failed()) {
            failed = true;
            throw new Closed();
        }
    }
}
