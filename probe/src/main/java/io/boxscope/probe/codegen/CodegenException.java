package io.boxscope.probe.codegen;

import java.util.List;
import io.boxscope.probe.lang.diag.Span;

/** Code generation cannot translate a construct; carries where, as a diagnostic will. */
final class CodegenException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Span span;
    final List<String> hints;
    /** The 512-byte BPF stack ran out ({@link Frame#alloc}): the probe is generated again with more in scratch space. */
    final boolean stackFull;

    CodegenException(Span span, String message, String... hints) {
        this(false, span, message, hints);
    }

    CodegenException(boolean stackFull, Span span, String message, String... hints) {
        super(message, null, false, false);
        this.span = span;
        this.hints = List.of(hints);
        this.stackFull = stackFull;
    }
}
