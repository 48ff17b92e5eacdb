package io.boxscope.probe.lang.parse;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.lang.ast.AssignOp;
import io.boxscope.probe.lang.ast.Block;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.ast.Stmt;
import io.boxscope.probe.lang.lex.Token;
import io.boxscope.probe.lang.lex.TokenKind;

/**
 * Blocks and statements, as bpftrace 0.17's grammar has them: simple statements are separated by
 * {@code ;} (optional before {@code }}); {@code if}, {@code unroll} and {@code while} end at their
 * closing brace; stray semicolons and bare nested blocks are syntax errors, as in bpftrace.
 */
final class StmtParser {
    private final TokenCursor c;
    private final ExprParser exprs;

    StmtParser(TokenCursor c, ExprParser exprs) {
        this.c = c;
        this.exprs = exprs;
    }

    /**
     * A block; the current token is its {@code {}. When {@code last} is set the closing brace is
     * left unconsumed (the parser goes back to raw reading at top level after a probe body).
     */
    Block block(boolean last) {
        Token open = c.expect(TokenKind.LBRACE);
        c.enter();
        try {
            List<Stmt> stmts = new ArrayList<>();
            while (!c.at(TokenKind.RBRACE)) {
                Stmt s = statement();
                stmts.add(s);
                boolean compound = s instanceof Stmt.If || s instanceof Stmt.Unroll || s instanceof Stmt.While;
                if (!compound && !c.at(TokenKind.RBRACE)) {
                    if (!c.at(TokenKind.SEMI)) {
                        throw c.unexpected("';' or '}'");
                    }
                    c.advance();
                }
            }
            Token close = c.tok();
            if (last) {
                c.release();
            } else {
                c.advance();
            }
            return new Block(stmts, open.span().to(close.span()));
        } finally {
            c.leave();
        }
    }

    private Stmt statement() {
        Token t = c.tok();
        if (t.is(TokenKind.IDENT)) {
            switch (t.text()) {
                case "if" -> {
                    return ifStmt();
                }
                case "unroll" -> {
                    c.advance();
                    c.expect(TokenKind.LPAREN);
                    Expr n = exprs.expr();
                    c.expect(TokenKind.RPAREN);
                    Block body = block(false);
                    return new Stmt.Unroll(n, body, t.span().to(body.span()));
                }
                case "while" -> {
                    c.advance();
                    c.expect(TokenKind.LPAREN);
                    Expr cond = exprs.expr();
                    c.expect(TokenKind.RPAREN);
                    Block body = block(false);
                    return new Stmt.While(cond, body, t.span().to(body.span()));
                }
                case "return" -> {
                    c.advance();
                    return new Stmt.Return(t.span());
                }
                case "break" -> {
                    c.advance();
                    return new Stmt.Break(t.span());
                }
                case "continue" -> {
                    c.advance();
                    return new Stmt.Continue(t.span());
                }
                default -> { }
            }
        }
        if (t.is(TokenKind.SEMI) || t.is(TokenKind.LBRACE)) {
            throw c.unexpected("'}'");
        }
        Expr e = exprs.expr();
        AssignOp op = assignOp(c.tok().kind());
        if (op == null) {
            return new Stmt.ExprStmt(e, e.span());
        }
        if (!(e instanceof Expr.MapRef) && !(e instanceof Expr.Variable)) {
            throw c.error(e.span(), "can only assign to a map (@name) or a variable ($name)");
        }
        c.advance();
        Expr value = exprs.expr();
        return new Stmt.Assign(e, op, value, e.span().to(value.span()));
    }

    private Stmt ifStmt() {
        Token t = c.advance();
        c.expect(TokenKind.LPAREN);
        Expr cond = exprs.expr();
        c.expect(TokenKind.RPAREN);
        Block then = block(false);
        Block orElse = null;
        if (c.tok().isIdent("else")) {
            Token e = c.advance();
            if (c.tok().isIdent("if")) {
                c.enter();
                try {
                    Stmt nested = ifStmt();
                    orElse = new Block(List.of(nested), e.span().to(nested.span()));
                } finally {
                    c.leave();
                }
            } else {
                orElse = block(false);
            }
        }
        return new Stmt.If(cond, then, orElse, t.span().to(orElse != null ? orElse.span() : then.span()));
    }

    static AssignOp assignOp(TokenKind k) {
        return switch (k) {
            case ASSIGN -> AssignOp.ASSIGN;
            case PLUS_ASSIGN -> AssignOp.ADD;
            case MINUS_ASSIGN -> AssignOp.SUB;
            case STAR_ASSIGN -> AssignOp.MUL;
            case SLASH_ASSIGN -> AssignOp.DIV;
            case PERCENT_ASSIGN -> AssignOp.MOD;
            case AMP_ASSIGN -> AssignOp.AND;
            case PIPE_ASSIGN -> AssignOp.OR;
            case CARET_ASSIGN -> AssignOp.XOR;
            case SHL_ASSIGN -> AssignOp.SHL;
            case SHR_ASSIGN -> AssignOp.SHR;
            default -> null;
        };
    }
}
