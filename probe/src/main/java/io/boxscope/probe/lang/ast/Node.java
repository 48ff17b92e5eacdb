package io.boxscope.probe.lang.ast;

import io.boxscope.probe.lang.diag.Span;

/** Every AST node knows where it came from in the source. */
public interface Node {
    Span span();
}
