package io.boxscope.bpf.tracefs;

import java.io.IOException;

/**
 * tracefs could not be found, mounted or read, or one of its files did not have the layout the kernel
 * documents (Documentation/trace/events.rst). The message says what failed and what to do.
 */
public final class TracefsException extends IOException {
    private static final long serialVersionUID = 1L;

    public TracefsException(String message) {
        super(message);
    }

    public TracefsException(String message, Throwable cause) {
        super(message, cause);
    }
}
