package io.boxscope.probe.lang.lex;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.probe.lang.diag.Diagnostic;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.diag.Span;

/**
 * Splits program text into tokens on demand. The parser reads attach points and preprocessor lines
 * raw at top level ({@link #pos()}, {@link #peek(int)}, {@link #skipTrivia()}); inside predicates
 * and bodies it calls {@link #next()}. The first lexical error is thrown as a {@link LexException}
 * with bpftrace's wording where bpftrace has one ("unterminated string", "end of file during comment",
 * "invalid escape character").
 */
public final class Lexer {
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    /** Longest literal we try to read as a number before calling it too large. */
    private static final int MAX_LITERAL = 64;

    private final String s;
    private int pos;

    public Lexer(SourceText source) {
        this.s = source.text();
    }

    public int pos() {
        return pos;
    }

    public void seek(int p) {
        pos = p;
    }

    /** The char at pos+ahead, or 0 past the end (NUL bytes in the text are rejected as they are met). */
    public char peek(int ahead) {
        int i = pos + ahead;
        return i < s.length() ? s.charAt(i) : 0;
    }

    public boolean atEnd() {
        return pos >= s.length();
    }

    public String text() {
        return s;
    }

    public static LexException error(int start, int end, String message, String... hints) {
        return new LexException(Diagnostic.error(new Span(start, end), message, hints));
    }

    /** Skips blanks, newlines and comments ({@code //}, block comments, and a {@code #!} first line). */
    public void skipTrivia() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b) {
                pos++;
            } else if (c == '/' && peek(1) == '/') {
                skipLine();
            } else if (c == '#' && pos == 0 && peek(1) == '!') {
                skipLine();
            } else if (c == '/' && peek(1) == '*') {
                int start = pos;
                int close = s.indexOf("*/", pos + 2);
                if (close < 0) {
                    throw error(start, Math.min(s.length(), start + 5), "end of file during comment",
                            "close the comment with */");
                }
                pos = close + 2;
            } else {
                return;
            }
        }
    }

    public void skipLine() {
        int nl = s.indexOf('\n', pos);
        pos = nl < 0 ? s.length() : nl + 1;
    }

    /** The rest of the current line (without the newline); pos moves past it. */
    public String readLine() {
        int nl = s.indexOf('\n', pos);
        int end = nl < 0 ? s.length() : nl;
        String line = s.substring(pos, end);
        pos = nl < 0 ? s.length() : nl + 1;
        return line;
    }

    public Token next() {
        skipTrivia();
        int start = pos;
        if (pos >= s.length()) {
            return new Token(TokenKind.EOF, "", Span.at(pos));
        }
        char c = s.charAt(pos);
        if (isIdentStart(c)) {
            while (pos < s.length() && isIdentPart(s.charAt(pos))) {
                pos++;
            }
            return new Token(TokenKind.IDENT, s.substring(start, pos), new Span(start, pos));
        }
        if (c >= '0' && c <= '9') {
            return number(start);
        }
        if (c == '"') {
            return string(start);
        }
        if (c == '$') {
            return dollar(start);
        }
        if (c == '@') {
            pos++;
            // bpftrace 0.17's lexer (src/lexer.l): map "@"{ident}|"@", an ident starting with a letter or '_';
            // so @2 is the map @ followed by the integer 2, a syntax error, not a map named "2"
            while (pos < s.length() && (pos > start + 1 ? isIdentPart(s.charAt(pos)) : isIdentStart(s.charAt(pos)))) {
                pos++;
            }
            return new Token(TokenKind.MAP, s.substring(start + 1, pos), new Span(start, pos));
        }
        return punct(start, c);
    }

    private Token punct(int start, char c) {
        pos++;
        char d = peek(0);
        TokenKind k = switch (c) {
            case '(' -> TokenKind.LPAREN;
            case ')' -> TokenKind.RPAREN;
            case '{' -> TokenKind.LBRACE;
            case '}' -> TokenKind.RBRACE;
            case '[' -> TokenKind.LBRACKET;
            case ']' -> TokenKind.RBRACKET;
            case ',' -> TokenKind.COMMA;
            case ';' -> TokenKind.SEMI;
            case ':' -> TokenKind.COLON;
            case '?' -> TokenKind.QUESTION;
            case '.' -> TokenKind.DOT;
            case '~' -> TokenKind.TILDE;
            case '+' -> two(d, '+', TokenKind.INC, '=', TokenKind.PLUS_ASSIGN, TokenKind.PLUS);
            case '-' -> d == '>' ? take(TokenKind.ARROW) : two(d, '-', TokenKind.DEC, '=', TokenKind.MINUS_ASSIGN, TokenKind.MINUS);
            case '*' -> one(d, '=', TokenKind.STAR_ASSIGN, TokenKind.STAR);
            case '/' -> slash(d);
            case '%' -> one(d, '=', TokenKind.PERCENT_ASSIGN, TokenKind.PERCENT);
            case '&' -> two(d, '&', TokenKind.ANDAND, '=', TokenKind.AMP_ASSIGN, TokenKind.AMP);
            case '|' -> two(d, '|', TokenKind.OROR, '=', TokenKind.PIPE_ASSIGN, TokenKind.PIPE);
            case '^' -> one(d, '=', TokenKind.CARET_ASSIGN, TokenKind.CARET);
            case '!' -> one(d, '=', TokenKind.NE, TokenKind.BANG);
            case '=' -> one(d, '=', TokenKind.EQ, TokenKind.ASSIGN);
            case '<' -> d == '<' ? (peek(1) == '=' ? take2(TokenKind.SHL_ASSIGN) : take(TokenKind.SHL))
                    : one(d, '=', TokenKind.LE, TokenKind.LT);
            case '>' -> d == '>' ? (peek(1) == '=' ? take2(TokenKind.SHR_ASSIGN) : take(TokenKind.SHR))
                    : one(d, '=', TokenKind.GE, TokenKind.GT);
            default -> null;
        };
        if (k == null) {
            throw invalidChar(start);
        }
        return new Token(k, s.substring(start, pos), new Span(start, pos));
    }

    private LexException invalidChar(int start) {
        int cp = s.codePointAt(start);
        String shown = cp < 0x20 || cp == 0x7f ? String.format("\\x%02x", cp)
                : cp == 0xfffd ? "U+FFFD (invalid UTF-8 in the input)" : new String(Character.toChars(cp));
        return error(start, start + Character.charCount(cp), "invalid character '" + shown + "'");
    }

    /** A slash is a division, {@code /=}, or (followed by blanks and an opening brace) the end of a predicate. */
    private TokenKind slash(char d) {
        if (d == '=') {
            return take(TokenKind.SLASH_ASSIGN);
        }
        int save = pos;
        skipTrivia();
        boolean brace = peek(0) == '{';
        pos = save;
        return brace ? TokenKind.END_PREDICATE : TokenKind.SLASH;
    }

    private TokenKind take(TokenKind k) {
        pos++;
        return k;
    }

    private TokenKind take2(TokenKind k) {
        pos += 2;
        return k;
    }

    private TokenKind one(char d, char c1, TokenKind k1, TokenKind otherwise) {
        return d == c1 ? take(k1) : otherwise;
    }

    private TokenKind two(char d, char c1, TokenKind k1, char c2, TokenKind k2, TokenKind otherwise) {
        return d == c1 ? take(k1) : d == c2 ? take(k2) : otherwise;
    }

    private Token dollar(int start) {
        pos++;
        char c = peek(0);
        if (c == '#') {
            pos++;
            return new Token(TokenKind.POSITIONAL_COUNT, "#", new Span(start, pos));
        }
        if (c >= '0' && c <= '9') {
            while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
                pos++;
            }
            String digits = s.substring(start + 1, pos);
            if (digits.length() > 9) {
                throw error(start, pos, "positional parameter $" + digits + " is too large");
            }
            int n = Integer.parseInt(digits);
            if (n == 0) {
                throw error(start, pos, "$0 is not a positional parameter; they start at $1");
            }
            return new Token(TokenKind.POSITIONAL, digits, n, false, new Span(start, pos));
        }
        if (!isIdentStart(c)) {
            throw error(start, pos, "'$' must be followed by a variable name, a number or '#'");
        }
        while (pos < s.length() && isIdentPart(s.charAt(pos))) {
            pos++;
        }
        return new Token(TokenKind.VARIABLE, s.substring(start + 1, pos), new Span(start, pos));
    }

    /** bpftrace 0.17's {@code int} (src/lexer.l): digits with inner {@code _}, then C's u/l/ll suffixes. */
    private static final Pattern INT = Pattern.compile("[0-9](?:[0-9_]*[0-9])?(?:[uU]?[lL]?[lL]|[uU])?");
    /** bpftrace 0.17's {@code hex}: no separators, no suffix. */
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+");
    /** bpftrace 0.17's {@code exponent}: {@code {int}[eE]{int}}. */
    private static final Pattern EXPONENT = Pattern.compile(INT.pattern() + "[eE]" + INT.pattern());
    /** The suffixes C allows after an integer, which bpftrace's int_parser accepts and ignores. */
    private static final Pattern SUFFIX = Pattern.compile("(?i)u|u?l?l");

    /**
     * An integer literal, the longest match of bpftrace 0.17's three lexer rules ({@code int}, {@code hex},
     * {@code exponent} in src/lexer.l), valued as its src/ast/int_parser.cpp does: separators removed, hex in
     * base 16, otherwise C's strtoull base 0 (a leading 0 is octal, so {@code 08} is an error), and
     * {@code CeE} as C * 10^E with C at most 9 and E at most 16. What follows the match is the next token
     * ({@code 1_e3} is 1 then the identifier {@code _e3}, a syntax error in both).
     */
    private Token number(int start) {
        int end = Math.max(longest(INT, start), Math.max(longest(HEX, start), longest(EXPONENT, start)));
        pos = end;
        String text = s.substring(start, end);
        Span span = new Span(start, end);
        if (text.length() > MAX_LITERAL) {
            throw error(start, end, "integer literal is too large (more than 64 bits)");
        }
        String t = text.replace("_", "");
        BigInteger v;
        if (t.startsWith("0x") || t.startsWith("0X")) {
            v = new BigInteger(t.substring(2), 16);
        } else {
            int e = Math.max(t.indexOf('e'), t.indexOf('E'));
            if (e >= 0) {
                BigInteger c = integer(t.substring(0, e), 10, start, end);
                BigInteger x = integer(t.substring(e + 1), 10, start, end);
                if (c.compareTo(BigInteger.valueOf(9)) > 0) {
                    throw error(start, end, "Coefficient part of scientific literal must be in range (0,9), got: "
                            + t.substring(0, e));
                }
                if (x.compareTo(BigInteger.valueOf(16)) > 0) {
                    throw error(start, end, "Exponent will overflow integer range: " + t.substring(e + 1));
                }
                v = c.multiply(BigInteger.TEN.pow(x.intValue()));
            } else {
                v = integer(t, t.length() > 1 && t.charAt(0) == '0' ? 8 : 10, start, end);
            }
        }
        if (v.compareTo(U64_MAX) > 0) {
            throw error(start, end, "integer literal is too large (more than 64 bits)");
        }
        return new Token(TokenKind.INT, text, v.longValue(), v.bitLength() > 63, span);
    }

    private int longest(Pattern p, int start) {
        Matcher m = p.matcher(s).region(start, s.length());
        return m.lookingAt() ? m.end() : start;
    }

    /**
     * strtoull's digits in base 8 or 10 then an optional C suffix; anything else left over is bpftrace's
     * "Found trailing non-numeric characters" ({@code 08}: octal stops at the 8).
     */
    private BigInteger integer(String t, int base, int start, int end) {
        int i = 0;
        while (i < t.length() && Character.digit(t.charAt(i), base) >= 0) {
            i++;
        }
        if (i == t.length() || SUFFIX.matcher(t.substring(i)).matches()) {
            return new BigInteger(t.substring(0, i), base);
        }
        throw error(start, end, "invalid integer literal '" + s.substring(start, end) + "': Found trailing non-numeric characters",
                "integers are decimal (1000, 1_000, 1e3), hex (0x3e8) or octal (01750), with an optional u/l/ll suffix");
    }

    /**
     * A string literal. Escapes as bpftrace 0.17: {@code \n \t \r \\ \" \xHH \NNN} (octal); others are
     * "invalid escape character". Source characters above ASCII become their UTF-8 bytes, one char per byte.
     */
    private Token string(int start) {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length() || s.charAt(pos) == '\n') {
                throw error(start, pos, "unterminated string", "close the string with \" on the same line");
            }
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                break;
            }
            if (c == '\\') {
                escape(start, sb);
                continue;
            }
            if (c == 0) {
                throw error(pos, pos + 1, "invalid character '\\x00' in string", "write a NUL byte as \\0");
            }
            if (c < 0x80) {
                sb.append(c);
                pos++;
            } else {
                int cp = s.codePointAt(pos);
                pos += Character.charCount(cp);
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    sb.append((char) (b & 0xff));
                }
            }
        }
        return new Token(TokenKind.STRING, sb.toString(), new Span(start, pos));
    }

    private void escape(int start, StringBuilder sb) {
        int esc = pos;
        pos++;
        char e = peek(0);
        switch (e) {
            case 'n' -> { sb.append('\n'); pos++; }
            case 't' -> { sb.append('\t'); pos++; }
            case 'r' -> { sb.append('\r'); pos++; }
            case '\\' -> { sb.append('\\'); pos++; }
            case '"' -> { sb.append('"'); pos++; }
            case 'x' -> {
                pos++;
                int v = 0;
                int n = 0;
                while (n < 2 && Character.digit(peek(0), 16) >= 0 && peek(0) < 128) {
                    v = v * 16 + Character.digit(peek(0), 16);
                    pos++;
                    n++;
                }
                if (n == 0) {
                    throw error(esc, pos, "invalid escape character '\\x' (no hex digits)");
                }
                sb.append((char) v);
            }
            default -> {
                if (e >= '0' && e <= '7') {
                    int v = 0;
                    int n = 0;
                    while (n < 3 && peek(0) >= '0' && peek(0) <= '7') {
                        v = v * 8 + (peek(0) - '0');
                        pos++;
                        n++;
                    }
                    if (v > 255) {
                        throw error(esc, pos, "octal escape out of range (above \\377)");
                    }
                    sb.append((char) v);
                } else if (pos >= s.length() || e == '\n') {
                    throw error(start, pos, "unterminated string");
                } else {
                    throw error(start, pos + 1, "invalid escape character '\\" + e + "'");
                }
            }
        }
    }

    public static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    public static boolean isIdentPart(char c) {
        return isIdentStart(c) || (c >= '0' && c <= '9');
    }
}
