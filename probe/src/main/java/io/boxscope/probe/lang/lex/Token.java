package io.boxscope.probe.lang.lex;

import io.boxscope.probe.lang.diag.Span;

/**
 * A token: {@code text} is the identifier, the decoded string (a byte string, see
 * {@code Expr.StrLit}), the variable or map name without its sigil, or the literal's spelling;
 * {@code value} is an integer literal's or positional parameter's value.
 */
public record Token(TokenKind kind, String text, long value, boolean unsigned64, Span span) {
    public Token(TokenKind kind, String text, Span span) {
        this(kind, text, 0, false, span);
    }

    public boolean is(TokenKind k) {
        return kind == k;
    }

    public boolean isIdent(String name) {
        return kind == TokenKind.IDENT && text.equals(name);
    }

    /** How an error message shows this token. */
    public String describe() {
        return switch (kind) {
            case IDENT -> switch (text) {
                case "if", "else", "while", "unroll", "return", "break", "continue" -> "'" + text + "'";
                default -> "identifier '" + text + "'";
            };
            case INT -> "integer " + text;
            case STRING -> "string";
            case VARIABLE -> "variable $" + text;
            case MAP -> "map @" + text;
            case POSITIONAL -> "positional parameter $" + value;
            default -> kind.describe();
        };
    }
}
