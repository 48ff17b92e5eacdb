package io.boxscope.proc.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Minimal JSON (RFC 8259) for Boxscope's {@code --json} output and the small documents it reads
 * (the Docker Engine API, saved benchmark results). Values are plain Java: {@link Map} with
 * {@link String} keys (insertion ordered), {@link java.util.Collection}, {@link String}, {@link Number},
 * {@link Boolean}, enums (written lower-case) and {@code null}; empty {@link Optional}s write as null.
 * Anything else is a caller's bug and throws {@link IllegalArgumentException}: printing its
 * {@code toString()} would put a format nobody documented into a document scripts parse.
 *
 * <p>Strings are escaped fully, so process names and paths chosen by an attacker cannot break the
 * document: every control character (C0 and C1), U+2028 and U+2029 (line terminators to
 * JavaScript) are written as six-character escapes (backslash, u, four hex digits); a lone surrogate, which no UTF-8 text can hold, is
 * written as U+FFFD, so the output is always what {@link #parse} (strict, like most parsers)
 * accepts. {@link #writeHtmlSafe} also escapes {@code <}, {@code >} and {@code &}, for JSON inside
 * an HTML {@code <script>} element.
 *
 * <p>Why hand-written and not a library: see DEVELOPERS.md, "Why JSON is hand-written".
 */
public final class Json {
    private Json() {}

    /** A fresh insertion-ordered object. */
    public static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    /** One line, no spaces: for NDJSON streams and files. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        new Writer(sb, -1, false).value(value, 0);
        return sb.toString();
    }

    /** Indented with two spaces, for humans reading {@code --json}. */
    public static String pretty(Object value) {
        StringBuilder sb = new StringBuilder();
        new Writer(sb, 2, false).value(value, 0);
        return sb.toString();
    }

    /**
     * One line, with {@code <}, {@code >} and {@code &} escaped too (backslash-u 003c, 003e
     * and 0026): embedded in an HTML page's {@code <script>} element, no string can
     * close the element ({@code </script>}) or start a comment or entity.
     */
    public static String writeHtmlSafe(Object value) {
        StringBuilder sb = new StringBuilder();
        new Writer(sb, -1, true).value(value, 0);
        return sb.toString();
    }

    /**
     * A kernel field name as a JSON key: {@code Private_Clean} is {@code private_clean},
     * {@code AnonHugePages} {@code anon_huge_pages}, {@code MMUPageSize} {@code mmu_page_size},
     * {@code VmRSS} {@code vm_rss}, {@code THPeligible} {@code thp_eligible}. Characters other than
     * letters and digits become {@code _}.
     */
    public static String snakeCase(String name) {
        if (name.equals("THPeligible")) {
            return "thp_eligible"; // the one kernel name whose acronym runs into the next word
        }
        StringBuilder sb = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                char prev = i > 0 ? name.charAt(i - 1) : '_';
                boolean nextLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
                if (i > 0 && prev != '_' && (Character.isLowerCase(prev) || Character.isDigit(prev)
                        || Character.isUpperCase(prev) && nextLower)) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
            } else if (Character.isLetterOrDigit(c)) {
                sb.append(c);
            } else if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != '_') {
                sb.append('_');
            }
        }
        while (!sb.isEmpty() && sb.charAt(sb.length() - 1) == '_') {
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }

    private record Writer(StringBuilder sb, int indent, boolean html) {
        void value(Object v, int depth) {
            switch (v) {
                case null -> sb.append("null");
                case String s -> quote(sb, s, html);
                case Boolean b -> sb.append(b);
                case Double d -> number(sb, d);
                case Float f -> number(sb, f.doubleValue());
                case Long n -> sb.append(n);
                case Integer n -> sb.append(n);
                case Short n -> sb.append(n);
                case Byte n -> sb.append(n);
                case java.math.BigInteger n -> sb.append(n);
                case java.math.BigDecimal n -> sb.append(n.toString());
                case java.util.concurrent.atomic.AtomicLong n -> sb.append(n.get());
                case java.util.concurrent.atomic.AtomicInteger n -> sb.append(n.get());
                case OptionalLong o -> {
                    if (o.isPresent()) sb.append(o.getAsLong()); else sb.append("null");
                }
                case OptionalDouble o -> {
                    if (o.isPresent()) number(sb, o.getAsDouble()); else sb.append("null");
                }
                case java.util.OptionalInt o -> {
                    if (o.isPresent()) sb.append(o.getAsInt()); else sb.append("null");
                }
                case Optional<?> o -> value(o.orElse(null), depth);
                case Map<?, ?> m -> {
                    sb.append('{');
                    boolean first = true;
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        if (!(e.getKey() instanceof String key)) {
                            throw new IllegalArgumentException("JSON object keys must be strings, not "
                                    + kind(e.getKey()) + " (" + e.getKey() + ")");
                        }
                        if (!first) sb.append(',');
                        first = false;
                        newline(depth + 1);
                        quote(sb, key, html);
                        sb.append(indent < 0 ? ":" : ": ");
                        try {
                            value(e.getValue(), depth + 1);
                        } catch (UnknownType u) {
                            throw u.at(key);
                        }
                    }
                    if (!m.isEmpty()) newline(depth);
                    sb.append('}');
                }
                case java.util.Collection<?> list -> {
                    sb.append('[');
                    boolean first = true;
                    int n = 0;
                    for (Object o : list) {
                        if (!first) sb.append(',');
                        first = false;
                        newline(depth + 1);
                        try {
                            value(o, depth + 1);
                        } catch (UnknownType u) {
                            throw u.at("[" + n + "]");
                        }
                        n++;
                    }
                    if (!first) newline(depth);
                    sb.append(']');
                }
                case Enum<?> e -> quote(sb, e.name().toLowerCase(java.util.Locale.ROOT), html);
                default -> throw new UnknownType(v, "");
            }
        }

        private void newline(int depth) {
            if (indent >= 0) {
                sb.append('\n');
                for (int i = indent * depth; i > 0; i--) {
                    sb.append(' ');
                }
            }
        }
    }

    /** A value of a type JSON has no form for; the message names where in the document it was. */
    private static final class UnknownType extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final transient Object value;
        private final String path;

        UnknownType(Object value, String path) {
            super("cannot write a " + kind(value) + " as JSON" + (path.isEmpty() ? "" : " (at " + path + ")")
                    + ": convert it to a String, Number, Boolean, Map or List first");
            this.value = value;
            this.path = path;
        }

        UnknownType at(String key) {
            return new UnknownType(value, path.isEmpty() ? key : key.startsWith("[") || path.startsWith("[") ? key + path : key + "." + path);
        }
    }

    private static void number(StringBuilder sb, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            sb.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            sb.append((long) d);
        } else {
            sb.append(d);
        }
    }

    static void quote(StringBuilder sb, String s) {
        quote(sb, s, false);
    }

    static void quote(StringBuilder sb, String s, boolean html) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '<', '>', '&' -> {
                    if (html) hex(sb, c); else sb.append(c);
                }
                default -> {
                    // C1 controls too: valid raw in JSON, but `cat`ing the output would hand them to a terminal; and the
                    // bidi controls cli's Text.safe escapes (UAX #9 embeddings, overrides, isolates, marks: a comm of "x",
                    // U+202E, "exe.sh" reads "xhs.exe" in a terminal or jq's output, CVE-2021-42574). Lossless: a parser
                    // gives back the same string.
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || bidi(c)) {
                        hex(sb, c);
                    } else if (Character.isSurrogate(c) && !validSurrogate(s, i)) {
                        sb.append('\ufffd');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void hex(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15]).append(HEX[c >> 4 & 15]).append(HEX[c & 15]);
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** Parses a JSON document; {@link JsonException} names the offset of the first error. */
    public static Object parse(String text) {
        JsonParser p = new JsonParser(text);
        Object v = p.value();
        p.end();
        return v;
    }

    /** Convenience for navigating parsed documents. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object o) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new JsonException("expected an object, found " + kind(o));
    }

    public static List<Object> asList(Object o) {
        if (o instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        throw new JsonException("expected an array, found " + kind(o));
    }

    private static String kind(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName();
    }

    /** The Unicode bidi controls: U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C (as cli's Text.safe). */
    private static boolean bidi(char c) {
        return (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f'
                || c == '\u061c';
    }
}
