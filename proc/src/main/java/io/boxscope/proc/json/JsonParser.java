package io.boxscope.proc.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent JSON reader, strict to RFC 8259's grammar: numbers without leading zeros or bare
 * dots, {@code \\u} escapes of exactly four hex digits, surrogates only in pairs, no raw control
 * characters in strings, no trailing commas, whitespace only space, tab, CR and LF, nesting at most
 * {@link #MAX_DEPTH} deep (a deeper document would overflow the stack). Every error names its offset.
 * Numbers become Long when integral and within range, else Double.
 */
final class JsonParser {
    static final int MAX_DEPTH = 512;
    private final String s;
    private int i;
    private int depth;

    JsonParser(String s) {
        this.s = s;
    }

    Object value() {
        ws();
        if (i >= s.length()) {
            throw error("unexpected end of input");
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    void end() {
        ws();
        if (i != s.length()) {
            throw error("trailing characters");
        }
    }

    private Map<String, Object> object() {
        enter();
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (peek() == '}') {
            i++;
            depth--;
            return m;
        }
        while (true) {
            ws();
            if (peek() == '}') {
                throw error("trailing comma");
            }
            if (peek() != '"') {
                throw error("expected a string key");
            }
            String k = string();
            ws();
            expect(':');
            m.put(k, value());
            ws();
            char c = next();
            if (c == '}') {
                depth--;
                return m;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array() {
        enter();
        List<Object> l = new ArrayList<>();
        i++;
        ws();
        if (peek() == ']') {
            i++;
            depth--;
            return l;
        }
        while (true) {
            ws();
            if (peek() == ']') {
                throw error("trailing comma");
            }
            l.add(value());
            ws();
            char c = next();
            if (c == ']') {
                depth--;
                return l;
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        char u = hex4();
                        if (Character.isHighSurrogate(u)) {
                            if (!s.startsWith("\\u", i)) {
                                i -= 6;
                                throw error(loneSurrogate(u));
                            }
                            i += 2;
                            char low = hex4();
                            if (!Character.isLowSurrogate(low)) {
                                i -= 12;
                                throw error(loneSurrogate(u));
                            }
                            sb.append(u).append(low);
                        } else if (Character.isLowSurrogate(u)) {
                            i -= 6;
                            throw error(loneSurrogate(u));
                        } else {
                            sb.append(u);
                        }
                    }
                    default -> throw error("bad escape '\\" + e + "'");
                }
            } else if (c < 0x20) {
                i--;
                throw error(String.format("raw control character U+%04x in a string (escape it as %s\\u%04x)", (int) c,
                        c == '\n' ? "\\n or " : c == '\t' ? "\\t or " : c == '\r' ? "\\r or " : "", (int) c));
            } else if (Character.isHighSurrogate(c) && i < s.length() && Character.isLowSurrogate(s.charAt(i))) {
                sb.append(c).append(s.charAt(i++));
            } else if (Character.isSurrogate(c)) {
                i--;
                throw error("lone surrogate U+" + Integer.toHexString(c) + " (not Unicode text)");
            } else {
                sb.append(c);
            }
        }
    }

    /**
     * {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?} (RFC 8259 section 6).
     */
    private Object number() {
        int start = i;
        if (peek() == '-') i++;
        if (peek() == '0') {
            i++;
            if (isDigit(peek())) {
                i--;
                throw error("leading zero in a number");
            }
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("expected a digit");
        }
        boolean integral = true;
        if (peek() == '.') {
            i++;
            if (!isDigit(peek())) {
                throw error("expected a digit after '.'");
            }
            digits();
            integral = false;
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            if (peek() == '+' || peek() == '-') i++;
            if (!isDigit(peek())) {
                throw error("expected a digit in the exponent");
            }
            digits();
            integral = false;
        }
        String t = s.substring(start, i);
        if (integral) {
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                // beyond a long: a double, as other parsers read it
            }
        }
        return Double.parseDouble(t);
    }

    private void digits() {
        while (isDigit(peek())) i++;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Four hex digits after backslash-u; the offset moves past them. */
    private char hex4() {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = i + k < s.length() ? Character.digit(s.charAt(i + k), 16) : -1;
            if (d < 0 || s.charAt(i + k) > 'f') {
                i += k;
                throw error("\\u must be followed by four hexadecimal digits");
            }
            v = v << 4 | d;
        }
        i += 4;
        return (char) v;
    }

    private static String loneSurrogate(char c) {
        return "lone surrogate \\u" + Integer.toHexString(c);
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, i)) {
            throw error("expected " + word);
        }
        i += word.length();
        return v;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
    }

    private void ws() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next() {
        if (i >= s.length()) {
            throw error("unexpected end of input");
        }
        return s.charAt(i++);
    }

    private void expect(char c) {
        if (next() != c) {
            i--;
            throw error("expected '" + c + "'");
        }
    }

    private JsonException error(String what) {
        return new JsonException("JSON " + what + " at offset " + i);
    }
}
