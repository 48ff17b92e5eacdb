package io.boxscope.probe.lang.parse;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.lang.ast.StructDef;
import io.boxscope.probe.lang.ast.StructField;
import io.boxscope.probe.lang.ast.TypeName;
import io.boxscope.probe.lang.lex.Token;
import io.boxscope.probe.lang.lex.TokenKind;

/**
 * A C struct definition in a script: {@code struct NAME { TYPE NAME[N]; ... };}. Plain
 * declarations only; bit-fields, nested definitions and function pointers are reported as
 * unsupported (the kernel's BTF has the real layout: drop the definition and use the type).
 */
final class StructParser {
    private final TokenCursor c;
    private final ExprParser exprs;

    StructParser(TokenCursor c, ExprParser exprs) {
        this.c = c;
        this.exprs = exprs;
    }

    StructDef structDef() {
        c.advance();
        Token kw = c.advance();
        String name = c.expectIdent("a struct name");
        c.expect(TokenKind.LBRACE);
        List<StructField> fields = new ArrayList<>();
        while (!c.at(TokenKind.RBRACE)) {
            TypeName base = exprs.typeName();
            while (true) {
                int pointers = base.pointers();
                while (c.accept(TokenKind.STAR)) {
                    pointers++;
                }
                if (c.at(TokenKind.LPAREN) || c.at(TokenKind.LBRACE)) {
                    throw c.error(c.tok().span(), "function pointers and nested definitions in struct definitions are not supported",
                            "remove the definition: the kernel's BTF describes " + kw.text() + " " + name);
                }
                Token fname = c.tok();
                c.expectIdent("a field name");
                int array = -1;
                var end = fname.span();
                if (c.accept(TokenKind.LBRACKET)) {
                    Token n = c.expect(TokenKind.INT);
                    if (n.unsigned64() || n.value() > 1 << 20) {
                        throw c.error(n.span(), "array length " + n.text() + " is too large");
                    }
                    array = (int) n.value();
                    end = c.expect(TokenKind.RBRACKET).span();
                }
                if (c.at(TokenKind.COLON)) {
                    throw c.error(c.tok().span(), "bit-fields in struct definitions are not supported",
                            "remove the definition: the kernel's BTF describes " + kw.text() + " " + name);
                }
                TypeName t = new TypeName(base.name(), pointers, array, base.span().to(end));
                fields.add(new StructField(t, fname.text(), base.span().to(end)));
                if (!c.accept(TokenKind.COMMA)) {
                    break;
                }
            }
            c.expect(TokenKind.SEMI);
        }
        Token close = c.tok();
        c.release();
        c.lexer.seek(close.span().end());
        return new StructDef(kw.text().equals("union"), name, fields, kw.span().to(close.span()));
    }
}
