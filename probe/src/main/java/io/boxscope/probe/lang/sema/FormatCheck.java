package io.boxscope.probe.lang.sema;

import java.util.ArrayList;
import java.util.List;

/**
 * printf-style format strings as bpftrace checks them (src/printf.cpp, 0.17): each conversion
 * {@code %[flags][width][.precision][length]conv} takes one argument; {@code %d %i %u %x %X %o %c %p} take
 * integers (pointers too), {@code %s} takes strings and everything bpftrace prints as text (symbols,
 * stacks, usernames, addresses...), {@code %r} a {@code buf()}. Unknown conversions are reported
 * (bpftrace silently skips them, which hides mistakes).
 */
final class FormatCheck {
    /** One conversion in the format: its text ({@code %-5d}) and conversion character. */
    record Spec(String text, char conversion) {}

    private FormatCheck() {}

    /** The conversions, or an error message. */
    static Object parse(String fmt) {
        List<Spec> out = new ArrayList<>();
        int i = 0;
        while (i < fmt.length()) {
            char c = fmt.charAt(i);
            if (c != '%') {
                i++;
                continue;
            }
            int start = i++;
            if (i < fmt.length() && fmt.charAt(i) == '%') {
                i++;
                continue;
            }
            while (i < fmt.length() && "-+ #0".indexOf(fmt.charAt(i)) >= 0) {
                i++;
            }
            while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) {
                i++;
            }
            if (i < fmt.length() && fmt.charAt(i) == '.') {
                i++;
                while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) {
                    i++;
                }
            }
            while (i < fmt.length() && "hlqjzt".indexOf(fmt.charAt(i)) >= 0) {
                i++;
            }
            if (i >= fmt.length()) {
                return "printf: incomplete conversion '" + fmt.substring(start) + "' at the end of the format string";
            }
            char conv = fmt.charAt(i++);
            if ("diuxXocsprl".indexOf(conv) < 0) {
                return "printf: unknown conversion '" + printable(fmt.substring(start, i)) + "'";
            }
            out.add(new Spec(fmt.substring(start, i), conv));
        }
        return out;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c >= 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
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
