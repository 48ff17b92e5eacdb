package io.boxscope.probe.lang.diag;

import java.util.List;

/**
 * A program that cannot be parsed or checked: the diagnostics (at least one error) and the source
 * they point into. {@link #getMessage()} is the full rendered text, ready to print.
 */
public final class ProgramException extends Exception {
    private final transient SourceText source;
    private final List<Diagnostic> diagnostics;
    private final String kernelRefusal;

    public ProgramException(SourceText source, List<Diagnostic> diagnostics) {
        this(source, diagnostics, null);
    }

    /**
     * @param kernelRefusal when every error is the running kernel refusing a probe type the program is right to use
     *                      (fentry here): that refusal in one line, what a command running the program prints instead
     *                      of the diagnostics (a failure of the machine, exit 1, not a program error); null otherwise
     */
    public ProgramException(SourceText source, List<Diagnostic> diagnostics, String kernelRefusal) {
        super(DiagnosticRenderer.render(source, diagnostics), null, false, false);
        this.kernelRefusal = kernelRefusal;
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

    /** The one-line kernel refusal when that is the only reason the program cannot run (see the constructor). */
    public java.util.Optional<String> kernelRefusal() {
        return java.util.Optional.ofNullable(kernelRefusal);
    }
}
