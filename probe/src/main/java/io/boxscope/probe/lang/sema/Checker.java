package io.boxscope.probe.lang.sema;

import java.util.List;
import io.boxscope.probe.lang.ast.AssignOp;
import io.boxscope.probe.lang.ast.Block;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.ast.Probe;
import io.boxscope.probe.lang.ast.Stmt;

/**
 * Statements: assignments to variables and maps (types fixed by the first assignment, as bpftrace does),
 * aggregations assigned to maps, predicates and conditions, {@code unroll} bounds, and
 * {@code break}/{@code continue} only inside {@code while}.
 */
final class Checker {
    private final ExprTyper t;

    Checker(ExprTyper t) {
        this.t = t;
    }

    void probe(Probe p, Scope scope) {
        t.scope = scope;
        if (p.predicate() != null) {
            SType pt = t.type(p.predicate());
            if (pt != ExprTyper.ERROR && !pt.isIntegerLike()) {
                t.error(p.predicate().span(), "Invalid type for predicate: " + pt.display(),
                        pt instanceof SType.Str ? "compare it: /comm == \"bash\"/" : "");
            }
        }
        block(p.body());
    }

    private void block(Block b) {
        for (Stmt s : b.statements()) {
            stmt(s);
        }
    }

    private void stmt(Stmt s) {
        switch (s) {
            case Stmt.ExprStmt e -> t.type(e.expr());
            case Stmt.Assign a -> {
                if (a.target() instanceof Expr.Variable v) {
                    assignVariable(a, v);
                } else {
                    assignMap(a, (Expr.MapRef) a.target());
                }
            }
            case Stmt.If i -> {
                condition(i.condition(), "if");
                block(i.then());
                if (i.orElse() != null) {
                    block(i.orElse());
                }
            }
            case Stmt.Unroll u -> {
                unroll(u);
                block(u.body());
            }
            case Stmt.While w -> {
                condition(w.condition(), "while");
                t.scope.loops++;
                block(w.body());
                t.scope.loops--;
            }
            case Stmt.Return r -> { }
            case Stmt.Break b -> {
                if (t.scope.loops == 0) {
                    t.error(b.span(), "break used outside of a loop");
                }
            }
            case Stmt.Continue c -> {
                if (t.scope.loops == 0) {
                    t.error(c.span(), "continue used outside of a loop");
                }
            }
        }
    }

    private void condition(Expr e, String what) {
        SType ct = t.type(e);
        if (ct != ExprTyper.ERROR && !ct.isIntegerLike()) {
            t.error(e.span(), "Invalid condition in " + what + "(): " + ct.display());
        }
    }

    private void unroll(Stmt.Unroll u) {
        SType ct = t.type(u.count());
        long n;
        if (u.count() instanceof Expr.IntLit l) {
            n = l.value();
        } else if (u.count() instanceof Expr.Positional p && ct instanceof SType.Int) {
            n = PositionalParams.value(t.options.positionals(), p.index());
        } else {
            if (ct != ExprTyper.ERROR) {
                t.error(u.count().span(), "unroll count must be an integer literal or a positional parameter");
            }
            return;
        }
        if (n > 100) {
            t.error(u.span(), "unroll maximum value is 100");
        } else if (n < 1) {
            t.error(u.span(), "unroll minimum value is 1");
        }
    }

    /** The value of an assignment; calls without a value are errors here. */
    private SType value(Expr value) {
        SType v = t.type(value);
        if (v instanceof SType.None && v != ExprTyper.ERROR) {
            String what = value instanceof Expr.Call c ? c.name() + "()" : "this expression";
            return t.error(value.span(), what + " has no value to assign");
        }
        if (v instanceof SType.Agg ag && scalarAgg(ag.kind())) {
            return v; // bpftrace 0.17 copies this CPU's count/sum/min/max; the copy keeps the aggregation's type
        }
        if (v instanceof SType.Record r) {
            return t.recordValue(value, r);
        }
        if (v != ExprTyper.ERROR && !ExprTyper.storable(v)) {
            return t.error(value.span(), "a value of type '" + v.display() + "' cannot be stored",
                    v instanceof SType.Record ? "store a pointer to it, or one of its fields" : "");
        }
        return v;
    }

    /** Aggregations whose value is one integer, which bpftrace lets a script copy into a variable or map. */
    static boolean scalarAgg(AggKind k) {
        return k == AggKind.COUNT || k == AggKind.SUM || k == AggKind.MIN || k == AggKind.MAX;
    }

    private void assignVariable(Stmt.Assign a, Expr.Variable v) {
        SType old = t.scope.variables.get(v.name());
        if (a.op() != AssignOp.ASSIGN) {
            SType cur = old == null ? t.type(v) : old;
            t.types.put(v, cur);
            SType val = t.type(a.value());
            if (cur == ExprTyper.ERROR || val == ExprTyper.ERROR) {
                return;
            }
            if (!(cur instanceof SType.Int) || !(val.isIntegerLike())) {
                t.error(a.span(), "Type mismatch for '" + a.op().binary().symbol() + "': comparing '" + cur.display() + "' with '"
                        + val.display() + "'");
            }
            return;
        }
        SType val = value(a.value());
        if (val == ExprTyper.ERROR) {
            if (old == null) {
                t.scope.variables.put(v.name(), ExprTyper.ERROR);
            }
            t.types.put(v, ExprTyper.ERROR);
            return;
        }
        if (old == null || old == ExprTyper.ERROR) {
            t.scope.variables.put(v.name(), val);
            t.types.put(v, val);
            return;
        }
        SType u = MapTable.unify(old, val);
        if (u == null && old instanceof SType.Tuple && val instanceof SType.Tuple) {
            t.error(v.span(), "Tuple type mismatch: " + old.display() + " != " + val.display() + ".");
            t.types.put(v, old);
            return;
        }
        if (u == null) {
            t.error(v.span(), "Type mismatch for $" + v.name() + ": trying to assign value of type '" + val.display()
                    + "' when variable already contains a value of type '" + old.display() + "'");
            t.types.put(v, old);
            return;
        }
        t.scope.variables.put(v.name(), u);
        t.types.put(v, u);
    }

    private void assignMap(Stmt.Assign a, Expr.MapRef m) {
        SType key = t.keyType(m);
        if (key != ExprTyper.ERROR) {
            t.keyCheck(m, key);
        }
        SType val;
        List<Long> aggArgs = List.of();
        if (a.op() == AssignOp.ASSIGN && a.value() instanceof Expr.Call c && AggKind.of(c.name()) != null) {
            val = t.calls.call(c, true);
            t.types.put(c, val);
            aggArgs = t.calls.lastAggArgs;
        } else if (a.op() != AssignOp.ASSIGN) {
            val = t.type(a.value());
            SType cur = t.maps.value(m.name());
            if (val != ExprTyper.ERROR && !val.isIntegerLike()) {
                val = t.error(a.span(), "Type mismatch for '" + a.op().binary().symbol() + "': comparing '"
                        + (cur == null ? "int64" : cur.display()) + "' with '" + val.display() + "'");
            }
            if (val != ExprTyper.ERROR && cur != null && !(cur instanceof SType.Int)) {
                val = t.error(m.span(), "'" + a.op().symbol() + "' needs an integer map; " + m.display() + " holds " + cur.display());
            }
            if (val != ExprTyper.ERROR) {
                // bpftrace 0.17 creates a map first written by OP= as uint64 (@x -= 1 prints 18446744073709551615)
                val = cur instanceof SType.Int ? cur : SType.Int.U64;
            }
        } else {
            String outer = t.assigning;
            t.assigning = m.name();
            val = value(a.value());
            t.assigning = outer;
            if (val instanceof SType.Agg ag) {
                // a copied count is printed as a plain number: the map holds an integer, not an aggregation
                val = ag.kind() == AggKind.COUNT ? SType.Int.U64 : SType.Int.I64;
            }
        }
        if (val == ExprTyper.ERROR) {
            t.types.put(m, ExprTyper.ERROR);
            return;
        }
        String err = t.maps.assign(m, val, aggArgs);
        if (err != null) {
            t.error(m.span(), err);
        }
        SType now = t.maps.value(m.name());
        t.types.put(m, now == null ? val : now);
    }
}
