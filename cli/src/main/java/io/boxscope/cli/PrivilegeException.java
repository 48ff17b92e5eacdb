package io.boxscope.cli;

/** The command needs a privilege it does not have (exit 3); the message names the capability. */
public final class PrivilegeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PrivilegeException(String message) {
        super(message);
    }
}
