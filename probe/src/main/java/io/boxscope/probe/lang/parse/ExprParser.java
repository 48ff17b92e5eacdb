package io.boxscope.probe.lang.parse;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.lang.ast.BinaryOp;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.ast.TypeName;
import io.boxscope.probe.lang.ast.UnaryOp;
import io.boxscope.probe.lang.diag.Span;
import io.boxscope.probe.lang.lex.Token;
import io.boxscope.probe.lang.lex.TokenKind;

/**
 * Expressions by precedence climbing with C's precedence: ternary, then {@link BinaryOp}'s levels,
 * then prefix operators and casts, then postfix ({@code . -> [] ++ --}), then primaries.
 */
final class ExprParser {
    private final TokenCursor c;

    ExprParser(TokenCursor c) {
        this.c = c;
    }

    Expr expr() {
        c.enter();
        try {
            Expr cond = binary(1);
            if (!c.at(TokenKind.QUESTION)) {
                return cond;
            }
            c.advance();
            Expr then = expr();
            c.expect(TokenKind.COLON);
            Expr orElse = expr();
            return new Expr.Ternary(cond, then, orElse, cond.span().to(orElse.span()));
        } finally {
            c.leave();
        }
    }

    /** Longest chain of binary operators in one expression ({@code 1+1+...}): the tree is that deep. */
    static final int MAX_CHAIN = 500;

    private Expr binary(int minPrec) {
        Expr left = unary();
        for (int n = 0; ; n++) {
            if (n > MAX_CHAIN) {
                throw c.error(left.span(), "expression is too long (more than " + MAX_CHAIN + " operators in a row)");
            }
            BinaryOp op = binaryOp(c.tok().kind());
            if (op == null || op.precedence() < minPrec) {
                return left;
            }
            c.advance();
            c.enter();
            Expr right;
            try {
                right = binary(op.precedence() + 1);
            } finally {
                c.leave();
            }
            left = new Expr.Binary(op, left, right, left.span().to(right.span()));
        }
    }

    static BinaryOp binaryOp(TokenKind k) {
        return switch (k) {
            case STAR -> BinaryOp.MUL;
            case SLASH -> BinaryOp.DIV;
            case PERCENT -> BinaryOp.MOD;
            case PLUS -> BinaryOp.ADD;
            case MINUS -> BinaryOp.SUB;
            case SHL -> BinaryOp.SHL;
            case SHR -> BinaryOp.SHR;
            case LT -> BinaryOp.LT;
            case LE -> BinaryOp.LE;
            case GT -> BinaryOp.GT;
            case GE -> BinaryOp.GE;
            case EQ -> BinaryOp.EQ;
            case NE -> BinaryOp.NE;
            case AMP -> BinaryOp.BAND;
            case CARET -> BinaryOp.BXOR;
            case PIPE -> BinaryOp.BOR;
            case ANDAND -> BinaryOp.LAND;
            case OROR -> BinaryOp.LOR;
            default -> null;
        };
    }

    private Expr unary() {
        Token t = c.tok();
        UnaryOp op = switch (t.kind()) {
            case BANG -> UnaryOp.NOT;
            case TILDE -> UnaryOp.BNOT;
            case MINUS -> UnaryOp.NEG;
            case STAR -> UnaryOp.DEREF;
            case AMP -> UnaryOp.ADDR;
            default -> null;
        };
        c.enter();
        try {
            if (op != null) {
                c.advance();
                Expr e = unary();
                return new Expr.Unary(op, e, t.span().to(e.span()));
            }
            if (t.is(TokenKind.INC) || t.is(TokenKind.DEC)) {
                c.advance();
                Expr e = unary();
                requireLvalue(e, t.text());
                return new Expr.IncDec(e, t.is(TokenKind.INC), true, t.span().to(e.span()));
            }
            if (t.is(TokenKind.LPAREN) && startsType(c.peekNext())) {
                c.advance();
                TypeName type = typeName();
                c.expect(TokenKind.RPAREN);
                Expr e = unary();
                return new Expr.Cast(type, e, t.span().to(e.span()));
            }
            return postfix(primary());
        } finally {
            c.leave();
        }
    }

    static boolean startsType(Token t) {
        return t.is(TokenKind.IDENT) && Builtins.TYPE_WORDS.contains(t.text());
    }

    private static final List<String> C_WORDS = List.of("unsigned", "signed", "char", "short", "int", "long");

    /** {@code uint8}, {@code struct sock}, {@code unsigned long}; then {@code *}s and an optional {@code [N]}. */
    TypeName typeName() {
        Token first = c.tok();
        String name;
        if (first.isIdent("struct") || first.isIdent("union") || first.isIdent("enum")) {
            c.advance();
            name = first.text() + " " + c.expectIdent("a type name after '" + first.text() + "'");
        } else if (first.is(TokenKind.IDENT) && C_WORDS.contains(first.text())) {
            StringBuilder sb = new StringBuilder();
            while (c.at(TokenKind.IDENT) && C_WORDS.contains(c.tok().text())) {
                sb.append(sb.isEmpty() ? "" : " ").append(c.advance().text());
            }
            name = sb.toString();
        } else {
            name = c.expectIdent("a type");
        }
        Span end = first.span();
        int pointers = 0;
        while (c.at(TokenKind.STAR)) {
            end = c.advance().span();
            pointers++;
        }
        int array = -1;
        if (c.at(TokenKind.LBRACKET)) {
            c.advance();
            Token n = c.expect(TokenKind.INT);
            if (n.unsigned64() || n.value() > 1 << 20) {
                throw c.error(n.span(), "array length " + n.text() + " is too large");
            }
            array = (int) n.value();
            end = c.expect(TokenKind.RBRACKET).span();
        }
        return new TypeName(name, pointers, array, first.span().to(end));
    }

    private Expr postfix(Expr e) {
        for (int n = 0; ; n++) {
            if (n > TokenCursor.MAX_DEPTH) {
                throw c.error(e.span(), "expression is nested too deeply (more than " + TokenCursor.MAX_DEPTH + " levels)");
            }
            Token t = c.tok();
            switch (t.kind()) {
                case DOT, ARROW -> {
                    c.advance();
                    Token f = c.tok();
                    if (!f.is(TokenKind.IDENT) && !(f.is(TokenKind.INT) && t.is(TokenKind.DOT))) {
                        throw c.unexpected("a field name");
                    }
                    c.advance();
                    e = new Expr.Field(e, f.text(), t.is(TokenKind.ARROW), e.span().to(f.span()));
                }
                case LBRACKET -> {
                    c.advance();
                    Expr i = expr();
                    Token close = c.expect(TokenKind.RBRACKET);
                    e = new Expr.Index(e, i, e.span().to(close.span()));
                }
                case INC, DEC -> {
                    requireLvalue(e, t.text());
                    c.advance();
                    e = new Expr.IncDec(e, t.is(TokenKind.INC), false, e.span().to(t.span()));
                }
                default -> {
                    return e;
                }
            }
        }
    }

    void requireLvalue(Expr e, String op) {
        if (!(e instanceof Expr.MapRef) && !(e instanceof Expr.Variable)) {
            throw c.error(e.span(), "'" + op + "' needs a map or a variable");
        }
    }

    private Expr primary() {
        Token t = c.tok();
        switch (t.kind()) {
            case INT -> {
                c.advance();
                return new Expr.IntLit(t.value(), t.unsigned64(), t.text(), t.span());
            }
            case STRING -> {
                c.advance();
                return new Expr.StrLit(t.text(), t.span());
            }
            case VARIABLE -> {
                c.advance();
                return new Expr.Variable(t.text(), t.span());
            }
            case POSITIONAL -> {
                c.advance();
                return new Expr.Positional((int) t.value(), t.span());
            }
            case POSITIONAL_COUNT -> {
                c.advance();
                return new Expr.PositionalCount(t.span());
            }
            case MAP -> {
                return map();
            }
            case IDENT -> {
                return identifier();
            }
            case LPAREN -> {
                c.advance();
                Expr first = expr();
                if (c.at(TokenKind.COMMA)) {
                    List<Expr> elems = new ArrayList<>();
                    elems.add(first);
                    while (c.accept(TokenKind.COMMA)) {
                        elems.add(expr());
                    }
                    Token close = c.expect(TokenKind.RPAREN);
                    return new Expr.Tuple(elems, t.span().to(close.span()));
                }
                c.expect(TokenKind.RPAREN);
                return first;
            }
            default -> throw c.unexpected(null);
        }
    }

    private Expr map() {
        Token t = c.advance();
        if (!c.at(TokenKind.LBRACKET)) {
            return new Expr.MapRef(t.text(), List.of(), t.span());
        }
        c.advance();
        List<Expr> keys = new ArrayList<>();
        keys.add(expr());
        while (c.accept(TokenKind.COMMA)) {
            keys.add(expr());
        }
        Token close = c.expect(TokenKind.RBRACKET);
        return new Expr.MapRef(t.text(), keys, t.span().to(close.span()));
    }

    /** Statement keywords: never an expression. */
    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("if", "else", "while", "unroll", "return",
            "break", "continue");

    private Expr identifier() {
        if (KEYWORDS.contains(c.tok().text())) {
            throw c.unexpected(null);
        }
        Token t = c.advance();
        String name = t.text();
        if (name.equals("sizeof")) {
            c.expect(TokenKind.LPAREN);
            Expr e;
            if (startsType(c.tok())) {
                TypeName type = typeName();
                e = new Expr.SizeofType(type, t.span().to(c.tok().span()));
            } else {
                e = new Expr.SizeofExpr(expr(), t.span().to(c.tok().span()));
            }
            c.expect(TokenKind.RPAREN);
            return e;
        }
        if (name.equals("offsetof")) {
            c.expect(TokenKind.LPAREN);
            TypeName type = typeName();
            c.expect(TokenKind.COMMA);
            List<String> path = new ArrayList<>();
            path.add(c.expectIdent("a field name"));
            while (c.accept(TokenKind.DOT)) {
                path.add(c.expectIdent("a field name"));
            }
            Token close = c.expect(TokenKind.RPAREN);
            return new Expr.Offsetof(type, path, t.span().to(close.span()));
        }
        if (c.at(TokenKind.LPAREN)) {
            c.advance();
            List<Expr> args = new ArrayList<>();
            if (!c.at(TokenKind.RPAREN)) {
                args.add(expr());
                while (c.accept(TokenKind.COMMA)) {
                    args.add(expr());
                }
            }
            Token close = c.expect(TokenKind.RPAREN);
            return new Expr.Call(name, args, t.span().to(close.span()));
        }
        if (Builtins.isBuiltinVariable(name)) {
            return new Expr.Builtin(name, t.span());
        }
        return new Expr.Identifier(name, t.span());
    }
}
