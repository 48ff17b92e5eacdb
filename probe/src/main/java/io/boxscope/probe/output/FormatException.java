package io.boxscope.probe.output;

/** A printf-style format that bpftrace 0.17 rejects; the message is bpftrace's own. */
public final class FormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }
}
