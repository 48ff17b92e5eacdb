package io.boxscope.probe.lang.diag;

import java.util.List;

/**
 * One problem in a program: where it is, what is wrong, and hints that say what to do (for example
 * "did you mean `sys_enter_openat`?"). Rendered by {@link DiagnosticRenderer}.
 */
public record Diagnostic(Severity severity, Span span, String message, List<String> hints) {
    public enum Severity {
        ERROR("error"), WARNING("warning");

        private final String label;

        Severity(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Diagnostic {
        hints = hints.stream().filter(h -> h != null && !h.isBlank()).toList();
    }

    public static Diagnostic error(Span span, String message, String... hints) {
        return new Diagnostic(Severity.ERROR, span, message, List.of(hints));
    }

    public static Diagnostic warning(Span span, String message, String... hints) {
        return new Diagnostic(Severity.WARNING, span, message, List.of(hints));
    }
}
