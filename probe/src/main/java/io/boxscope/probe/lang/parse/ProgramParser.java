package io.boxscope.probe.lang.parse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.lang.ast.AttachPoint;
import io.boxscope.probe.lang.ast.Block;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.ast.Include;
import io.boxscope.probe.lang.ast.Probe;
import io.boxscope.probe.lang.ast.Program;
import io.boxscope.probe.lang.ast.StructDef;
import io.boxscope.probe.lang.diag.Diagnostic;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.diag.Span;
import io.boxscope.probe.lang.lex.LexException;
import io.boxscope.probe.lang.lex.Lexer;
import io.boxscope.probe.lang.lex.Token;
import io.boxscope.probe.lang.lex.TokenKind;

/**
 * The hand-written recursive-descent parser for bpftrace 0.17 programs. At top level it reads
 * preprocessor lines, struct definitions and attach points raw (an attach point is the text up to
 * a blank, {@code ,}, or {@code {}; a {@code /} also ends it, except in uprobe/usdt paths); predicates
 * and bodies go through the {@link Lexer}. Stops at the first error, as bpftrace does for syntax.
 *
 * <p>Preprocessor: {@code #include} is recorded (types come from BTF); {@code #ifdef}/{@code #ifndef}
 * /{@code #else}/{@code #endif} are evaluated with {@code BPFTRACE_HAVE_BTF} defined (the kernel's
 * BTF is what we read); {@code #define} and {@code #if} are errors.
 */
public final class ProgramParser {
    /** What {@code #ifdef} sees as defined. */
    private static final List<String> DEFINED = List.of("BPFTRACE_HAVE_BTF");
    private static final List<String> PATH_PROVIDERS = List.of("uprobe", "uretprobe", "u", "ur", "usdt", "U");

    private final SourceText source;
    private final Lexer lexer;
    private final TokenCursor cursor;
    private final StmtParser stmts;
    private final ExprParser exprs;
    /** For each open #if section: whether the #else was seen. */
    private final List<Span> conditionals = new ArrayList<>();

    private ProgramParser(SourceText source) {
        this.source = source;
        this.lexer = new Lexer(source);
        this.cursor = new TokenCursor(lexer);
        this.exprs = new ExprParser(cursor);
        this.stmts = new StmtParser(cursor, exprs);
    }

    /** Parses a program; the first syntax error is a {@link ProgramException} with one diagnostic. */
    public static Program parse(SourceText source) throws ProgramException {
        try {
            return new ProgramParser(source).program();
        } catch (LexException e) {
            throw new ProgramException(source, List.of(e.diagnostic()));
        } catch (StackOverflowError e) {
            throw new ProgramException(source, List.of(Diagnostic.error(Span.at(0),
                    "program is nested too deeply to parse")));
        }
    }

    /**
     * Decodes a program's bytes as UTF-8. Invalid UTF-8 is a diagnostic at the first bad byte (the
     * text is kept, with U+FFFD, so the line can be shown).
     */
    public static SourceText decode(String name, byte[] bytes) throws ProgramException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return new SourceText(name, dec.decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            SourceText src = new SourceText(name, text);
            int at = Math.max(0, text.indexOf('\uFFFD'));
            throw new ProgramException(src, List.of(Diagnostic.error(new Span(at, Math.min(text.length(), at + 1)),
                    "invalid UTF-8 in the program", "programs are UTF-8 text")));
        }
    }

    private Program program() {
        List<Include> includes = new ArrayList<>();
        List<StructDef> structs = new ArrayList<>();
        List<Probe> probes = new ArrayList<>();
        while (true) {
            lexer.skipTrivia();
            if (lexer.atEnd()) {
                break;
            }
            char ch = lexer.peek(0);
            if (ch == '#') {
                directive(includes);
            } else if (startsWord("struct") || startsWord("union")) {
                structs.add(new StructParser(cursor, exprs).structDef());
                lexer.skipTrivia();
                if (lexer.peek(0) == ';') {
                    lexer.seek(lexer.pos() + 1);
                }
            } else {
                probes.add(probe());
            }
        }
        if (!conditionals.isEmpty()) {
            Span open = conditionals.getLast();
            throw Lexer.error(open.start(), open.end(), "unterminated #ifdef/#ifndef: no #endif");
        }
        if (probes.isEmpty()) {
            int end = source.text().length();
            throw Lexer.error(end, end, "no probes in the program",
                    "a program is one or more PROBE { ACTIONS }, e.g. tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }");
        }
        return new Program(includes, structs, probes, new Span(0, source.text().length()));
    }

    private boolean startsWord(String w) {
        String s = lexer.text();
        int p = lexer.pos();
        return s.startsWith(w, p) && p + w.length() < s.length() && !Lexer.isIdentPart(s.charAt(p + w.length()));
    }

    private void directive(List<Include> includes) {
        int start = lexer.pos();
        String line = lexer.readLine().stripTrailing();
        Span span = new Span(start, start + line.length());
        String body = stripComment(line.substring(1)).strip();
        int w = 0;
        while (w < body.length() && Character.isLetter(body.charAt(w))) {
            w++;
        }
        String word = body.substring(0, w);
        String arg = body.substring(w).strip();
        switch (word) {
            case "include" -> {
                if (arg.length() >= 2 && (arg.startsWith("<") && arg.endsWith(">") || arg.startsWith("\"") && arg.endsWith("\""))) {
                    includes.add(new Include(arg.substring(1, arg.length() - 1), arg.startsWith("<"), span));
                } else {
                    throw Lexer.error(start, span.end(), "#include expects <FILE> or \"FILE\"");
                }
            }
            case "ifdef", "ifndef" -> {
                boolean defined = DEFINED.contains(arg);
                conditionals.add(span);
                if (defined != word.equals("ifdef")) {
                    skipSection(span);
                }
            }
            case "else" -> {
                if (conditionals.isEmpty()) {
                    throw Lexer.error(start, span.end(), "#else without #ifdef/#ifndef");
                }
                skipSection(span);
            }
            case "endif" -> {
                if (conditionals.isEmpty()) {
                    throw Lexer.error(start, span.end(), "#endif without #ifdef/#ifndef");
                }
                conditionals.removeLast();
            }
            case "define" -> throw Lexer.error(start, span.end(), "#define is not supported",
                    "write the value where it is used, or pass it as a positional parameter ($1)");
            default -> throw Lexer.error(start, span.end(), "unsupported preprocessor directive '#" + word + "'",
                    "only #include, #ifdef, #ifndef, #else and #endif are understood (BPFTRACE_HAVE_BTF is defined)");
        }
    }

    /** A directive line without a trailing {@code //} or {@code /* ... *}{@code /} comment. */
    private static String stripComment(String line) {
        int sl = line.indexOf("//");
        int bl = line.indexOf("/*");
        int cut = sl < 0 ? bl : bl < 0 ? sl : Math.min(sl, bl);
        return cut < 0 ? line : line.substring(0, cut);
    }

    /**
     * Skips an inactive section up to its {@code #else} (which starts an active one) or
     * {@code #endif}, counting nested conditionals.
     */
    private void skipSection(Span opened) {
        int nested = 0;
        while (!lexer.atEnd()) {
            String line = lexer.readLine().strip();
            if (!line.startsWith("#")) {
                continue;
            }
            String w = line.substring(1).strip().replaceFirst("^([a-z]*).*$", "$1");
            if (w.startsWith("if")) {
                nested++;
            } else if (w.equals("endif")) {
                if (nested-- == 0) {
                    conditionals.removeLast();
                    return;
                }
            } else if (w.equals("else") && nested == 0) {
                return;
            }
        }
        throw Lexer.error(opened.start(), opened.end(), "unterminated #ifdef/#ifndef: no #endif");
    }

    private Probe probe() {
        List<AttachPoint> points = new ArrayList<>();
        while (true) {
            points.add(attachPoint());
            lexer.skipTrivia();
            if (lexer.peek(0) != ',') {
                break;
            }
            lexer.seek(lexer.pos() + 1);
            lexer.skipTrivia();
        }
        cursor.advance();
        Expr predicate = null;
        if (cursor.at(TokenKind.SLASH)) {
            cursor.advance();
            predicate = exprs.expr();
            if (!cursor.at(TokenKind.END_PREDICATE)) {
                throw cursor.unexpected("'/' ending the predicate, then '{'");
            }
            cursor.advance();
        }
        if (!cursor.at(TokenKind.LBRACE)) {
            throw cursor.unexpected(predicate == null ? "'{' or a predicate /.../" : "'{'");
        }
        Block body = stmts.block(true);
        lexer.seek(body.span().end());
        return new Probe(points, predicate, body, points.getFirst().span().to(body.span()));
    }

    /**
     * Reads one attach point raw and splits it at colons outside double quotes. In the file part of a
     * path provider ({@code uprobe:/usr/lib/*}{@code /libc.so.6:malloc}) a {@code /*} is a glob, not a
     * comment: bpftrace's lexer reads the whole path as one token (its longest match), so it never sees
     * a comment there.
     */
    private AttachPoint attachPoint() {
        String s = lexer.text();
        int start = lexer.pos();
        int p = start;
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean pathProvider = false;
        while (p < s.length()) {
            char ch = s.charAt(p);
            if (ch == '"') {
                int close = s.indexOf('"', p + 1);
                int nl = s.indexOf('\n', p + 1);
                if (close < 0 || (nl >= 0 && nl < close)) {
                    throw Lexer.error(p, nl < 0 ? s.length() : nl, "unterminated string in attach point");
                }
                part.append(s, p + 1, close);
                p = close + 1;
                continue;
            }
            if (Character.isWhitespace(ch) || ch == ',' || ch == '{' || ch == '}' || ch == ';'
                    || (ch == '/' && !pathProvider)
                    || (ch == '/' && s.startsWith("/*", p) && !(pathProvider && parts.size() == 1))) {
                break;
            }
            if (ch < 0x20 || ch == 0x7f || ch == '\uFFFD') {
                throw Lexer.error(p, p + 1, ch == '\uFFFD' ? "invalid UTF-8 in the program"
                        : String.format("invalid character '\\x%02x'", (int) ch));
            }
            if (ch == ':') {
                parts.add(part.toString());
                part.setLength(0);
                if (parts.size() == 1) {
                    pathProvider = PATH_PROVIDERS.contains(parts.getFirst());
                }
            } else {
                part.append(ch);
            }
            p++;
        }
        if (p == start) {
            lexer.seek(start);
            cursor.advance();
            Token t = cursor.tok();
            throw cursor.unexpected("an attach point (e.g. tracepoint:syscalls:sys_enter_openat, BEGIN)"
                    + (t.is(TokenKind.EOF) ? "" : ""));
        }
        parts.add(part.toString());
        lexer.seek(p);
        String provider = parts.getFirst();
        return new AttachPoint(s.substring(start, p), provider, parts.subList(1, parts.size()), new Span(start, p));
    }
}
