package io.boxscope.probe.lang.sema;

import java.util.ArrayList;
import java.util.List;

/**
 * printf-style format strings as bpftrace checks them (src/printf.cpp, 0.17): each conversion it
 * recognises takes one argument; {@code %d %u %x %X %o %c %p} take integers (pointers too), {@code %s} takes
 * strings and everything bpftrace prints as text (symbols, stacks, usernames, addresses...), {@code %r} a
 * {@code buf()}. Anything else after a {@code %} ({@code %i}, {@code %f}) is plain text, as in bpftrace.
 */
final class FormatCheck {
    /** One conversion in the format: its text ({@code %-5d}) and conversion character. */
    record Spec(String text, char conversion) {}

    private FormatCheck() {}

    /**
     * The conversions, found as bpftrace 0.17 finds them (the runtime's {@link io.boxscope.probe.output.Printf}):
     * anything else after a {@code %}, {@code %i} included, is text, so it takes no argument.
     */
    static Object parse(String fmt) {
        List<Spec> out = new ArrayList<>();
        java.util.regex.Matcher m = io.boxscope.probe.output.Printf.SPEC.matcher(fmt);
        while (m.find()) {
            String conv = m.group(2);
            out.add(new Spec(m.group(), conv.startsWith("r") ? 'r' : conv.charAt(conv.length() - 1)));
        }
        return out;
    }

    /** Null if the argument suits the conversion, else bpftrace's message. */
    static String check(String fn, Spec spec, SType arg) {
        String kind = switch (spec.conversion()) {
            case 's' -> "string";
            case 'r' -> "buffer";
            default -> "integer";
        };
        boolean ok = switch (spec.conversion()) {
            case 's' -> !(arg instanceof SType.None) && !(arg instanceof SType.Agg) && !(arg instanceof SType.Record);
            case 'r' -> arg instanceof SType.Buffer || arg instanceof SType.Str;
            default -> arg.isIntegerLike() || arg instanceof SType.Special s && (s.kind() == SpecialKind.CONTAINER);
        };
        if (ok && spec.conversion() == 's' && (arg instanceof SType.Int || arg instanceof SType.Ptr)) {
            ok = false;
        }
        if (ok) {
            return null;
        }
        String supplied = arg instanceof SType.Int || arg instanceof SType.Ptr ? "integer"
                : arg instanceof SType.Str ? "string" : arg.display();
        return fn + ": " + spec.text().replaceAll("^%[-+ #0-9.]*", "%") + " specifier expects a value of type " + kind
                + " (" + supplied + " supplied)";
    }
}
