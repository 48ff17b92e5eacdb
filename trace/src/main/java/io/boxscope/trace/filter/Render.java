package io.boxscope.trace.filter;

import java.util.List;

/** Writes an {@link Expr} back as filter text, with parentheses wherever "and" meets "or". */
public final class Render {
    private Render() {}

    /** The expression as a sysdig filter; a constant is written "true" or "false" (for display). */
    public static String expr(Expr e) {
        return switch (e) {
            case Expr.And a -> join(a.terms(), " and ");
            case Expr.Or o -> join(o.terms(), " or ");
            case Expr.Not n -> "not " + (n.term() instanceof Expr.Check c ? c.source() : "(" + expr(n.term()) + ")");
            case Expr.Const c -> Boolean.toString(c.value());
            case Expr.Check c -> c.source();
        };
    }

    private static String join(List<Expr> terms, String op) {
        StringBuilder sb = new StringBuilder();
        for (Expr t : terms) {
            if (!sb.isEmpty()) {
                sb.append(op);
            }
            boolean group = t instanceof Expr.And || t instanceof Expr.Or;
            sb.append(group ? "(" : "").append(expr(t)).append(group ? ")" : "");
        }
        return sb.toString();
    }
}
