package io.boxscope.probe.lang.lex;

import io.boxscope.probe.lang.diag.Diagnostic;

/**
 * Thrown inside the front end to stop at the first error; {@code ProgramParser} turns it into a
 * {@code ProgramException}. Never escapes the front end's public API.
 */
public final class LexException extends RuntimeException {
    private final transient Diagnostic diagnostic;

    public LexException(Diagnostic diagnostic) {
        super(diagnostic.message(), null, false, false);
        this.diagnostic = diagnostic;
    }

    public Diagnostic diagnostic() {
        return diagnostic;
    }
}
