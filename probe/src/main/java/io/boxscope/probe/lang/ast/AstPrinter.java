package io.boxscope.probe.lang.ast;

import java.util.List;
import java.util.function.Function;

/**
 * A stable, readable text dump of a program (what {@code boxscope probe -d} prints), one node per
 * line, children indented by one space as bpftrace's {@code -d} does. With a typer (from the
 * semantic pass) each expression line ends with {@code :: TYPE}.
 */
public final class AstPrinter {
    private final StringBuilder sb = new StringBuilder();
    private final Function<Expr, String> typer;
    private final Function<AttachPoint, List<String>> expansions;

    private AstPrinter(Function<Expr, String> typer, Function<AttachPoint, List<String>> expansions) {
        this.typer = typer;
        this.expansions = expansions;
    }

    /** The untyped dump of a parsed program. */
    public static String print(Program p) {
        return print(p, e -> null, a -> List.of());
    }

    /**
     * The typed dump: {@code typer} names an expression's type (null for none); {@code expansions}
     * lists the concrete attach points an attach point resolved to (shown under it).
     */
    public static String print(Program p, Function<Expr, String> typer, Function<AttachPoint, List<String>> expansions) {
        AstPrinter pr = new AstPrinter(typer, expansions);
        pr.program(p);
        return pr.sb.toString();
    }

    private void line(int depth, String text) {
        sb.append(" ".repeat(depth)).append(text).append('\n');
    }

    private void program(Program p) {
        line(0, "Program");
        for (Include i : p.includes()) {
            line(1, "#include " + (i.system() ? "<" + i.path() + ">" : "\"" + i.path() + "\""));
        }
        for (StructDef s : p.structs()) {
            line(1, (s.union() ? "union " : "struct ") + s.name());
            for (StructField f : s.fields()) {
                line(2, f.type().text() + " " + f.name());
            }
        }
        for (Probe pr : p.probes()) {
            for (AttachPoint a : pr.attachPoints()) {
                line(1, a.text());
                for (String x : expansions.apply(a)) {
                    line(2, "=> " + x);
                }
            }
            if (pr.predicate() != null) {
                line(2, "pred");
                expr(3, pr.predicate());
            }
            block(2, pr.body());
        }
    }

    private void block(int d, Block b) {
        for (Stmt s : b.statements()) {
            stmt(d, s);
        }
    }

    private void stmt(int d, Stmt s) {
        switch (s) {
            case Stmt.ExprStmt e -> expr(d, e.expr());
            case Stmt.Assign a -> {
                line(d, a.op().symbol());
                expr(d + 1, a.target());
                expr(d + 1, a.value());
            }
            case Stmt.If i -> {
                line(d, "if");
                expr(d + 1, i.condition());
                line(d + 1, "then");
                block(d + 2, i.then());
                if (i.orElse() != null) {
                    line(d + 1, "else");
                    block(d + 2, i.orElse());
                }
            }
            case Stmt.Unroll u -> {
                line(d, "unroll");
                expr(d + 1, u.count());
                block(d + 1, u.body());
            }
            case Stmt.While w -> {
                line(d, "while");
                expr(d + 1, w.condition());
                block(d + 1, w.body());
            }
            case Stmt.Return r -> line(d, "return");
            case Stmt.Break b -> line(d, "break");
            case Stmt.Continue c -> line(d, "continue");
        }
    }

    private void typed(int d, Expr e, String text) {
        String t = typer.apply(e);
        line(d, t == null ? text : text + " :: " + t);
    }

    private void expr(int d, Expr e) {
        switch (e) {
            case Expr.IntLit i -> typed(d, e, "int: " + (i.unsigned64() ? Long.toUnsignedString(i.value()) : Long.toString(i.value())));
            case Expr.StrLit s -> typed(d, e, "string: " + escape(s.value()));
            case Expr.Builtin b -> typed(d, e, "builtin: " + b.name());
            case Expr.Identifier i -> typed(d, e, "identifier: " + i.name());
            case Expr.Positional p -> typed(d, e, "param: $" + p.index());
            case Expr.PositionalCount p -> typed(d, e, "param: $#");
            case Expr.Variable v -> typed(d, e, "variable: $" + v.name());
            case Expr.MapRef m -> {
                typed(d, e, "map: " + m.display());
                m.keys().forEach(k -> expr(d + 1, k));
            }
            case Expr.Call c -> {
                typed(d, e, "call: " + c.name());
                c.args().forEach(a -> expr(d + 1, a));
            }
            case Expr.Binary b -> {
                typed(d, e, b.op().symbol());
                expr(d + 1, b.left());
                expr(d + 1, b.right());
            }
            case Expr.Unary u -> {
                typed(d, e, u.op().symbol());
                expr(d + 1, u.operand());
            }
            case Expr.IncDec i -> {
                String op = i.increment() ? "++" : "--";
                typed(d, e, i.prefix() ? op + " (pre)" : op + " (post)");
                expr(d + 1, i.target());
            }
            case Expr.Ternary t -> {
                typed(d, e, "?:");
                expr(d + 1, t.condition());
                expr(d + 1, t.then());
                expr(d + 1, t.orElse());
            }
            case Expr.Field f -> {
                typed(d, e, (f.arrow() ? "-> " : ". ") + f.field());
                expr(d + 1, f.base());
            }
            case Expr.Index i -> {
                typed(d, e, "[]");
                expr(d + 1, i.base());
                expr(d + 1, i.index());
            }
            case Expr.Cast c -> {
                typed(d, e, "(" + c.type().text() + ")");
                expr(d + 1, c.operand());
            }
            case Expr.SizeofType s -> typed(d, e, "sizeof: " + s.type().text());
            case Expr.SizeofExpr s -> {
                typed(d, e, "sizeof");
                expr(d + 1, s.operand());
            }
            case Expr.Offsetof o -> typed(d, e, "offsetof: " + o.type().text() + ", " + String.join(".", o.fieldPath()));
            case Expr.Tuple t -> {
                typed(d, e, "tuple");
                t.elements().forEach(x -> expr(d + 1, x));
            }
        }
    }

    /** A byte string shown with C escapes, so the dump is one line per node and safe on a terminal. */
    static String escape(String v) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
