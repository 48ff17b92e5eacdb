package io.boxscope.trace.filter;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A filter's syntax tree, as {@link FilterParser} reads it: fields and values still as text.
 * Positions are 0-based offsets (in chars) into the filter text, for carets in errors.
 * {@link FilterChecker} turns it into a typed {@link Expr}.
 */
public sealed interface Ast {
    /** Every term is true (sysdig's "a and b and c"). */
    record And(List<Ast> terms) implements Ast {
        public And {
            terms = List.copyOf(terms);
        }
    }

    /** Some term is true. */
    record Or(List<Ast> terms) implements Ast {
        public Or {
            terms = List.copyOf(terms);
        }
    }

    record Not(Ast term) implements Ast {}

    /** An empty pair of parentheses, which sysdig 0.29 evaluates as true. */
    record Empty(int pos) implements Ast {}

    /**
     * One comparison: {@code field op value}, {@code field op (v1, v2)} or {@code field exists}.
     *
     * @param field    the field name as written, e.g. "evt.arg[1]"
     * @param fieldPos where it starts
     * @param op       the operator
     * @param opPos    where the operator starts
     * @param values   the values (none for exists, one for the others, a list for in/pmatch)
     */
    record Compare(String field, int fieldPos, CmpOp op, int opPos, List<Operand> values) implements Ast {
        public Compare {
            values = List.copyOf(values);
        }
    }

    /**
     * A value as written, after sysdig's escape processing ({@code \\}, {@code \"}, {@code \xHH}).
     *
     * @param bytes the value's bytes, one char per byte (ISO-8859-1), as sysdig compares them
     * @param pos   where the value starts in the filter (its opening quote, if quoted)
     */
    record Operand(String bytes, int pos) {
        /** The value as text (bytes decoded as UTF-8), for messages. */
        public String text() {
            return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }
    }
}
