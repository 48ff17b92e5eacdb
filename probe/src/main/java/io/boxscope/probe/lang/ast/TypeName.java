package io.boxscope.probe.lang.ast;

import io.boxscope.probe.lang.diag.Span;

/**
 * A type as written in a cast, {@code sizeof}, {@code offsetof} or struct member: {@code name} is the
 * base name with its keyword ({@code uint8}, {@code int}, {@code unsigned long}, {@code struct sock}),
 * {@code pointers} the number of {@code *}, {@code arrayLength} the {@code [N]} or -1 without one.
 */
public record TypeName(String name, int pointers, int arrayLength, Span span) implements Node {
    public boolean isRecord() {
        return name.startsWith("struct ") || name.startsWith("union ");
    }

    /** The type as C would print it: {@code struct sock *}, {@code uint8[4]}. */
    public String text() {
        StringBuilder sb = new StringBuilder(name);
        if (pointers > 0) {
            sb.append(' ').append("*".repeat(pointers));
        }
        if (arrayLength >= 0) {
            sb.append('[').append(arrayLength).append(']');
        }
        return sb.toString();
    }
}
