package io.boxscope.probe.lang.ast;

import java.nio.charset.StandardCharsets;
import java.util.List;
import io.boxscope.probe.lang.diag.Span;

/**
 * Expressions. Types are not stored here: the semantic pass returns them in a table keyed by node
 * identity ({@code io.boxscope.probe.lang.sema.CheckedProgram#type}).
 */
public sealed interface Expr extends Node {
    /**
     * An integer literal. {@code value} holds the 64 bits (a literal above {@link Long#MAX_VALUE} is
     * negative here and {@link #unsigned64()}); {@code text} is the spelling.
     */
    record IntLit(long value, boolean unsigned64, String text, Span span) implements Expr {}

    /**
     * A string literal with escapes decoded. {@code value} is a byte string: each char is one byte
     * (0..255); non-ASCII source characters were encoded as UTF-8. {@link #bytes()} gives the bytes.
     */
    record StrLit(String value, Span span) implements Expr {
        public byte[] bytes() {
            return value.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** A builtin variable: {@code pid}, {@code comm}, {@code args}, {@code arg3}, {@code retval}, {@code container}... */
    record Builtin(String name, Span span) implements Expr {}

    /** A bare identifier that is not a builtin, e.g. {@code perf} in {@code kstack(perf)}, or an enum value. */
    record Identifier(String name, Span span) implements Expr {}

    /** {@code $1}..{@code $N}: a positional parameter (index from 1). */
    record Positional(int index, Span span) implements Expr {}

    /** {@code $#}: the number of positional parameters. */
    record PositionalCount(Span span) implements Expr {}

    /** {@code $name}: a scratch variable ({@code name} without the {@code $}). */
    record Variable(String name, Span span) implements Expr {}

    /**
     * {@code @name}, {@code @name[k]}, {@code @name[k1, k2]}; {@code name} has no {@code @} and is
     * empty for the anonymous map {@code @}. Several keys form a tuple key.
     */
    record MapRef(String name, List<Expr> keys, Span span) implements Expr {
        public MapRef {
            keys = List.copyOf(keys);
        }

        /** The map's name as printed: {@code @name} or {@code @}. */
        public String display() {
            return "@" + name;
        }
    }

    /** {@code name(args...)}: builtin functions and aggregations. */
    record Call(String name, List<Expr> args, Span span) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }

    record Binary(BinaryOp op, Expr left, Expr right, Span span) implements Expr {}

    record Unary(UnaryOp op, Expr operand, Span span) implements Expr {}

    /** {@code ++x}, {@code x++}, {@code --x}, {@code x--} on a map or variable. */
    record IncDec(Expr target, boolean increment, boolean prefix, Span span) implements Expr {}

    record Ternary(Expr condition, Expr then, Expr orElse, Span span) implements Expr {}

    /** {@code base.field} ({@code arrow} false) or {@code base->field}; a tuple element is {@code $t.0}. */
    record Field(Expr base, String field, boolean arrow, Span span) implements Expr {}

    /** {@code base[index]}: an array or pointer element. */
    record Index(Expr base, Expr index, Span span) implements Expr {}

    /** {@code (TYPE) operand}. */
    record Cast(TypeName type, Expr operand, Span span) implements Expr {}

    /** {@code sizeof(TYPE)}. */
    record SizeofType(TypeName type, Span span) implements Expr {}

    /** {@code sizeof(expr)}. */
    record SizeofExpr(Expr operand, Span span) implements Expr {}

    /** {@code offsetof(TYPE, field[.field...])}. */
    record Offsetof(TypeName type, List<String> fieldPath, Span span) implements Expr {
        public Offsetof {
            fieldPath = List.copyOf(fieldPath);
        }
    }

    /** {@code (a, b, ...)} with at least two elements. */
    record Tuple(List<Expr> elements, Span span) implements Expr {
        public Tuple {
            elements = List.copyOf(elements);
        }
    }
}
