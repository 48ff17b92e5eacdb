package io.boxscope.probe.lang.ast;

import java.util.List;
import io.boxscope.probe.lang.diag.Span;

/** {@code { stmt; stmt; ... }}. */
public record Block(List<Stmt> statements, Span span) implements Node {
    public Block {
        statements = List.copyOf(statements);
    }
}
