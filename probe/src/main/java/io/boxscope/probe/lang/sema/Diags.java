package io.boxscope.probe.lang.sema;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.lang.diag.Diagnostic;
import io.boxscope.probe.lang.diag.Span;

/** Collects the semantic pass's diagnostics (it reports every error it finds, as bpftrace does). */
final class Diags {
    private final List<Diagnostic> list = new ArrayList<>();

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
