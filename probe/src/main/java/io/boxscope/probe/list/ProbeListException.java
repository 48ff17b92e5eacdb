package io.boxscope.probe.list;

/** A listing pattern that cannot be served; the message says why and what to write instead. */
public final class ProbeListException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProbeListException(String message) {
        super(message);
    }

    public ProbeListException(String message, Throwable cause) {
        super(message, cause);
    }
}
