package io.boxscope.probe.lang.diag;

import java.util.List;

/**
 * A program that cannot be parsed or checked: the diagnostics (at least one error) and the source
 * they point into. {@link #getMessage()} is the full rendered text, ready to print.
 */
public final class ProgramException extends Exception {
    private final transient SourceText source;
    private final List<Diagnostic> diagnostics;

    public ProgramException(SourceText source, List<Diagnostic> diagnostics) {
        super(DiagnosticRenderer.render(source, diagnostics), null, false, false);
        if (diagnostics.isEmpty()) {
            throw new IllegalArgumentException("a ProgramException needs a diagnostic");
        }
        this.source = source;
        this.diagnostics = List.copyOf(diagnostics);
    }

    public SourceText source() {
        return source;
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
