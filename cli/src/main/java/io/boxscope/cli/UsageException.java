package io.boxscope.cli;

/** A command-line mistake found after parsing (exit 2). */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
