package io.boxscope.probe.output;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bpftrace 0.17's {@code printf()} (src/format_string.cpp, src/printf.cpp). The format is cut
 * after each conversion bpftrace recognises ({@code %-?[0-9]*(\.[0-9]+)?} then {@code s}, {@code c},
 * {@code r rx rh}, or one of {@code d u o x X p} after {@code hh h l ll j z t}: no {@code %i},
 * no {@code + # space} flags). Each piece, the text before its conversion included, goes through
 * C's {@code snprintf} with its one argument; the text after the last conversion is written
 * as is. So {@code %%} becomes {@code %} only before a conversion: {@code printf("50%%\n")}
 * prints {@code 50%%}. Integers reach snprintf as 64-bit values: {@code %d} prints the low 32 bits.
 */
public final class Printf {
    /** Longest alternatives first: {@code %rx} is one conversion, not {@code %r} then {@code x}. */
    public static final Pattern SPEC = Pattern.compile(
            "%-?[0-9]*(\\.[0-9]+)?(rx|rh|r|s|c|(?:hh|h|ll|l|j|z|t)?[duoxXp])");

    private final String format;
    private final List<String> parts = new ArrayList<>();
    private final List<String> conversions = new ArrayList<>();
    private final String tail;

    public Printf(String format) {
        this.format = format;
        Matcher m = SPEC.matcher(format);
        int last = 0;
        while (m.find()) {
            parts.add(format.substring(last, m.end()));
            conversions.add(m.group(2));
            last = m.end();
        }
        tail = format.substring(last);
    }

    public String format() {
        return format;
    }

    /** The conversions bpftrace recognises, in order ({@code d}, {@code lu}, {@code s}, {@code rx}...). */
    public List<String> conversions() {
        return List.copyOf(conversions);
    }

    /** Each conversion's piece of the format: the text before it and the conversion itself ({@link PrintfBytes}). */
    List<String> pieces() {
        return List.copyOf(parts);
    }

    /** The text after the last conversion, written as it is. */
    String tail() {
        return tail;
    }

    /** {@code "integer"}, {@code "string"} or {@code "buffer"}: the kind of argument the {@code i}th conversion takes. */
    String argumentType(int i) {
        return typeOf(conversions.get(i));
    }

    /** How many arguments the format takes. */
    public int arity() {
        return conversions.size();
    }

    /** Checks argument count and types as bpftrace's semantic analyser does; {@code call} is e.g. "printf". */
    public void validate(String call, List<Value> args) {
        if (args.size() < arity()) {
            throw new FormatException(call + ": Not enough arguments for format string (" + args.size()
                    + " supplied, " + arity() + " expected)");
        }
        if (args.size() > arity()) {
            throw new FormatException(call + ": Too many arguments for format string (" + args.size()
                    + " supplied, " + arity() + " expected)");
        }
        for (int i = 0; i < args.size(); i++) {
            String want = typeOf(conversions.get(i));
            String have = typeOf(args.get(i));
            if (!want.equals(have)) {
                throw new FormatException(call + ": %" + conversions.get(i) + " specifier expects a value of type "
                        + want + " (" + have + " supplied)");
            }
        }
    }

    private static String typeOf(String conversion) {
        return switch (conversion) {
            case "s" -> "string";
            case "r", "rx", "rh" -> "buffer";
            default -> "integer";
        };
    }

    private static String typeOf(Value v) {
        return switch (v) {
            case Value.Int i -> "integer";
            case Value.Pointer p -> "integer";
            case Value.Str s -> "string";
            case Value.Resolved r -> "string";
            case Value.Stack s -> "string";
            case Value.Buffer b -> "buffer";
            case Value.Tuple t -> "tuple";
            case Value.Array a -> "array";
            case Value.Record r -> "record";
        };
    }

    /** What a %s prints: strings and resolved values as text, stacks as bpftrace prints them (indent 8). */
    private static String stringOf(Value v) {
        return switch (v) {
            case Value.Str s -> s.text();
            case Value.Resolved r -> r.text();
            case Value.Stack s -> Output.stack(s, 8);
            default -> throw new FormatException("%s was given " + v);
        };
    }

    /** The formatted text; throws {@link FormatException} where bpftrace would refuse the program. */
    public String apply(List<Value> args) {
        validate("printf", args);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            String piece = parts.get(i);
            String conv = conversions.get(i);
            Value arg = args.get(i);
            String text;
            if (conv.startsWith("r")) {
                byte[] bytes = ((Value.Buffer) arg).bytes();
                String hex = Escapes.buffer(bytes, conv.equals("r"), !conv.equals("rh"));
                text = CFormat.apply(piece.replaceAll("%r[x|h]?", "%s"), hex);
            } else {
                text = CFormat.apply(piece, conv.equals("s") ? stringOf(arg) : arg);
            }
            int nul = text.indexOf('\0');
            out.append(nul >= 0 ? text.substring(0, nul) : text);
        }
        return out.append(tail).toString();
    }
}
