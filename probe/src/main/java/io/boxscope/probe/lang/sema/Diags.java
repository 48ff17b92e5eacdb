package io.boxscope.probe.lang.sema;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.lang.diag.Diagnostic;
import io.boxscope.probe.lang.diag.Span;

/** Collects the semantic pass's diagnostics (it reports every error it finds, as bpftrace does). */
final class Diags {
    private final List<Diagnostic> list = new ArrayList<>();
    /** Errors that are the kernel refusing a probe type, and their one-line form. */
    private final java.util.Map<Diagnostic, String> refusals = new java.util.LinkedHashMap<>();

    /** An error that is the running kernel refusing what the program asks for, with its one-line form. */
    void refused(Span span, String line, String message, String... hints) {
        Diagnostic d = Diagnostic.error(span, message, hints);
        list.add(d);
        refusals.put(d, line);
    }

    /** The first refusal's line when every error is a kernel refusal, else null. */
    String refusal() {
        boolean onlyRefusals = list.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).allMatch(refusals::containsKey);
        return onlyRefusals && !refusals.isEmpty() ? refusals.values().iterator().next() : null;
    }

    void error(Span span, String message, String... hints) {
        list.add(Diagnostic.error(span, message, hints));
    }

    void warning(Span span, String message, String... hints) {
        list.add(Diagnostic.warning(span, message, hints));
    }

    boolean hasErrors() {
        return list.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    }

    List<Diagnostic> all() {
        return List.copyOf(list);
    }
}
