package io.boxscope.probe.lang.parse;

import io.boxscope.probe.lang.diag.Span;
import io.boxscope.probe.lang.lex.LexException;
import io.boxscope.probe.lang.lex.Lexer;
import io.boxscope.probe.lang.lex.Token;
import io.boxscope.probe.lang.lex.TokenKind;

/**
 * The current token over a {@link Lexer}, with one token of extra look-ahead and a nesting guard: a
 * program nested deeper than {@link #MAX_DEPTH} is one diagnostic, never a stack overflow.
 */
final class TokenCursor {
    static final int MAX_DEPTH = 256;

    final Lexer lexer;
    private Token tok;
    private int depth;

    TokenCursor(Lexer lexer) {
        this.lexer = lexer;
    }

    Token tok() {
        return tok;
    }

    /** Reads the next token into {@link #tok()} and returns the one it replaces. */
    Token advance() {
        Token t = tok;
        tok = lexer.next();
        return t;
    }

    /** The token after the current one, without consuming it. */
    Token peekNext() {
        int save = lexer.pos();
        Token t = lexer.next();
        lexer.seek(save);
        return t;
    }

    boolean at(TokenKind k) {
        return tok.kind() == k;
    }

    boolean accept(TokenKind k) {
        if (tok.kind() == k) {
            advance();
            return true;
        }
        return false;
    }

    Token expect(TokenKind k) {
        if (tok.kind() != k) {
            throw unexpected(k.describe());
        }
        return advance();
    }

    String expectIdent(String what) {
        if (tok.kind() != TokenKind.IDENT) {
            throw unexpected(what);
        }
        return advance().text();
    }

    LexException unexpected(String expecting) {
        String got = tok.kind() == TokenKind.EOF ? "end of file" : tok.describe();
        return Lexer.error(tok.span().start(), Math.max(tok.span().end(), tok.span().start() + 1),
                "syntax error, unexpected " + got + (expecting == null ? "" : ", expecting " + expecting));
    }

    LexException error(Span span, String message, String... hints) {
        return Lexer.error(span.start(), span.end(), message, hints);
    }

    void enter() {
        if (++depth > MAX_DEPTH) {
            throw Lexer.error(tok.span().start(), tok.span().end(),
                    "program is nested too deeply (more than " + MAX_DEPTH + " levels)");
        }
    }

    void leave() {
        depth--;
    }

    /** Hands the lexer back to raw top-level reading: the current token must not be consumed yet. */
    void release() {
        tok = null;
    }
}
