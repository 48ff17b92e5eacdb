package io.boxscope.trace.filter;

import java.util.List;

/**
 * A checked filter: every field resolved in the catalogue and every value parsed for its type.
 * Evaluated by {@link Filter}; split by {@link PushDown}.
 */
public sealed interface Expr {
    record And(List<Expr> terms) implements Expr {
        public And {
            terms = List.copyOf(terms);
        }
    }

    record Or(List<Expr> terms) implements Expr {
        public Or {
            terms = List.copyOf(terms);
        }
    }

    record Not(Expr term) implements Expr {}

    /** A constant: true for an empty filter and sysdig's "()". */
    record Const(boolean value) implements Expr {}

    /**
     * One comparison.
     *
     * @param field    the field and its argument
     * @param op       the operator
     * @param values   the values parsed for the field's type (none for exists)
     * @param source   the comparison as written in the filter, for -v and messages
     */
    record Check(FieldRef field, CmpOp op, List<Value> values, String source) implements Expr {
        public Check {
            values = List.copyOf(values);
        }
    }
}
