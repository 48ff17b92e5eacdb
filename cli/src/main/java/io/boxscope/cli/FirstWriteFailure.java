package io.boxscope.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An output stream that remembers its first write, flush or close error. PrintStream and PrintWriter swallow
 * IOExceptions and keep only a flag ({@link java.io.PrintStream#checkError}), so without this {@code > /dev/full}
 * or {@code probe -o /dev/full} would end with exit 0 and the output lost; the remembered exception says why
 * (closed pipe, ENOSPC, EIO) so {@link Main} can choose the exit code and the message.
 */
public final class FirstWriteFailure extends FilterOutputStream {
    private volatile IOException failure;

    public FirstWriteFailure(OutputStream out) {
        super(out);
    }

    /** The first error this stream met, or null while every write succeeded. */
    public IOException failure() {
        return failure;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            super.close(); // flush, then close (FilterOutputStream)
        } catch (IOException e) {
            throw remember(e);
        }
    }

    private IOException remember(IOException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }
}
