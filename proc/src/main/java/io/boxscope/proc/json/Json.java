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
 * (the Docker Engine API, saved benchmark results). Values are plain Java: {@link Map} (insertion
 * ordered), {@link List}, {@link String}, {@link Number}, {@link Boolean} and {@code null}; empty
 * {@link Optional}s write as null. Strings are escaped fully, so process names and paths chosen by
 * an attacker cannot break the document.
 */
public final class Json {
    private Json() {}

    /** A fresh insertion-ordered object. */
    public static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, -1, 0);
        return sb.toString();
    }

    /** Indented with two spaces, for humans reading {@code --json}. */
    public static String pretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 2, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent, int depth) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> quote(sb, s);
            case Boolean b -> sb.append(b);
            case Double d -> number(sb, d);
            case Float f -> number(sb, f.doubleValue());
            case Number n -> sb.append(n);
            case OptionalLong o -> {
                if (o.isPresent()) sb.append(o.getAsLong()); else sb.append("null");
            }
            case OptionalDouble o -> {
                if (o.isPresent()) number(sb, o.getAsDouble()); else sb.append("null");
            }
            case Optional<?> o -> write(sb, o.orElse(null), indent, depth);
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    newline(sb, indent, depth + 1);
                    quote(sb, String.valueOf(e.getKey()));
                    sb.append(indent < 0 ? ":" : ": ");
                    write(sb, e.getValue(), indent, depth + 1);
                }
                if (!m.isEmpty()) newline(sb, indent, depth);
                sb.append('}');
            }
            case Iterable<?> list -> {
                sb.append('[');
                boolean first = true;
                for (Object o : list) {
                    if (!first) sb.append(',');
                    first = false;
                    newline(sb, indent, depth + 1);
                    write(sb, o, indent, depth + 1);
                }
                if (!first) newline(sb, indent, depth);
                sb.append(']');
            }
            case Enum<?> e -> quote(sb, e.name().toLowerCase(java.util.Locale.ROOT));
            default -> quote(sb, v.toString());
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

    private static void newline(StringBuilder sb, int indent, int depth) {
        if (indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * depth));
        }
    }

    static void quote(StringBuilder sb, String s) {
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
                default -> {
                    // C1 controls too: valid raw in JSON, but `cat`ing the output would hand them to a terminal.
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)
                            && !validSurrogate(s, i)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
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
}
