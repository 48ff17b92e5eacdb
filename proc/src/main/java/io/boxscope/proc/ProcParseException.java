package io.boxscope.proc;

/** A /proc or /sys file whose text is not what its man page describes. */
public final class ProcParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProcParseException(String file, String problem) {
        super("cannot parse " + file + ": " + problem);
    }
}
