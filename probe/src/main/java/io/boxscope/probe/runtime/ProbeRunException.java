package io.boxscope.probe.runtime;

/** A compiled script could not be loaded or attached: the message says which probe, what failed and why. */
public final class ProbeRunException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProbeRunException(String message, Throwable cause) {
        super(message, cause);
    }
}
