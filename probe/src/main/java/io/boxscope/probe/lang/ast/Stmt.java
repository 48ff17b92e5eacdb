package io.boxscope.probe.lang.ast;

import io.boxscope.probe.lang.diag.Span;

/** Statements. Assignment is a statement (as in bpftrace), not an expression. */
public sealed interface Stmt extends Node {
    /** An expression evaluated for its effect: a call ({@code printf(...)}), {@code @x++}. */
    record ExprStmt(Expr expr, Span span) implements Stmt {}

    /**
     * {@code TARGET OP= VALUE}; {@code target} is an {@link Expr.MapRef} or {@link Expr.Variable}
     * (the parser rejects anything else).
     */
    record Assign(Expr target, AssignOp op, Expr value, Span span) implements Stmt {}

    /** {@code if (cond) {...} else {...}}; {@code orElse} is null without else; else-if is a block holding one If. */
    record If(Expr condition, Block then, Block orElse, Span span) implements Stmt {}

    /** {@code unroll (N) {...}}; N must be a constant 1..100 (checked by the semantic pass). */
    record Unroll(Expr count, Block body, Span span) implements Stmt {}

    record While(Expr condition, Block body, Span span) implements Stmt {}

    record Return(Span span) implements Stmt {}

    record Break(Span span) implements Stmt {}

    record Continue(Span span) implements Stmt {}
}
