package io.boxscope.bpf.sys;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An owned kernel file descriptor (map, program, link, perf event). Closing twice is harmless; using
 * a closed one throws instead of silently reaching a descriptor number the process has since reused.
 */
public final class Fd implements AutoCloseable {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    public Fd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("invalid file descriptor " + fd);
        }
        this.fd = fd;
    }

    /** The number, for passing to the kernel; fails once closed. */
    public int value() {
        if (closed.get()) {
            throw new IllegalStateException("file descriptor " + fd + " is already closed");
        }
        return fd;
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Sys.close(fd);
        }
    }

    @Override
    public String toString() {
        return "fd " + fd + (closed.get() ? " (closed)" : "");
    }
}
