package io.boxscope.bench.sysbench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * sysbench's option store (sb_options.c): each option holds a list of values; setting an option
 * replaces its values, so a repeated option takes its last value. Names match with '-' and '_'
 * interchangeable. Values are read the way sysbench reads them: integers with strtol (the whole
 * string, within int), sizes with an optional K/M/G/T suffix (anything else reads as 0, as in
 * sysbench), doubles with strtod, flags "on" when the list is not empty.
 */
public final class SbValues {
    private final Map<String, Entry> options = new LinkedHashMap<>();

    private static final class Entry {
        final String name;
        SbOption.Type type;
        final List<String> values = new ArrayList<>();

        Entry(String name, SbOption.Type type) {
            this.name = name;
            this.type = type;
        }
    }

    /** An option value that sysbench rejects when it reads it (it exits with this message on stderr). */
    public static final class BadValue extends RuntimeException {
        BadValue(String message) {
            super(message);
        }
    }

    static String key(String name) {
        return name.replace('-', '_');
    }

    /** Registers {@code opts} with their defaults (sb_register_arg_set). */
    public void register(List<SbOption> opts) {
        for (SbOption o : opts) {
            set(o.name(), o.defaultValue(), o.type());
        }
    }

    /** Whether an option of this name is registered. */
    public boolean known(String name) {
        return options.containsKey(key(name));
    }

    /** The type of a registered option. */
    public Optional<SbOption.Type> type(String name) {
        Entry e = options.get(key(name));
        return e == null ? Optional.empty() : Optional.of(e.type);
    }

    /**
     * sysbench's set_option: replaces the values; false when a boolean's value is not one of
     * on/true/1/off/false/0 (its values are cleared all the same, as in sysbench).
     */
    public boolean set(String name, String value, SbOption.Type type) {
        Entry e = options.computeIfAbsent(key(name), k -> new Entry(key(name), type));
        e.values.clear();
        e.type = type;
        if (type != SbOption.Type.BOOL && (value == null || value.isEmpty())) {
            return true;
        }
        switch (type) {
            case BOOL -> {
                if (value == null || value.equals("on") || value.equals("true") || value.equals("1")) {
                    e.values.add("on");
                } else if (!value.equals("off") && !value.equals("false") && !value.equals("0")) {
                    return false;
                }
            }
            case LIST -> {
                for (String v : value.split(",")) {
                    if (!v.isEmpty()) {
                        e.values.add(v);
                    }
                }
            }
            case INT, SIZE, DOUBLE, STRING, FILE -> e.values.add(value);
        }
        return true;
    }

    /**
     * Adds what a --config-file line gives (sysbench's read_config): the option, known or not, gets
     * the values as they are, without the type's parsing (so "debug=off" turns --debug on, as it
     * does in sysbench: a flag is on when it has any value).
     */
    void setRaw(String name, List<String> values) {
        Entry e = options.computeIfAbsent(key(name), k -> new Entry(key(name), SbOption.Type.STRING));
        e.values.clear();
        e.values.addAll(values);
    }

    /**
     * Parses "NAME[=VALUE]" (without the leading "--") the way sysbench's parse_option does: a
     * known option is set with its own type; an unknown one is refused. Returns false when refused.
     */
    public boolean parse(String arg) {
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg : arg.substring(0, eq);
        String value = eq < 0 ? null : arg.substring(eq + 1);
        Entry e = options.get(key(name));
        if (e == null) {
            return false;
        }
        return set(name, value, e.type);
    }

    private List<String> values(String name) {
        Entry e = options.get(key(name));
        return e == null ? List.of() : e.values;
    }

    public boolean flag(String name) {
        return !values(name).isEmpty();
    }

    /** The first value, or null when the option has none. */
    public String string(String name) {
        List<String> v = values(name);
        return v.isEmpty() ? null : v.getFirst();
    }

    public List<String> list(String name) {
        return List.copyOf(values(name));
    }

    /** sb_opt_to_int: strtol over the whole value, within int; no value reads as 0. */
    public int integer(String name) {
        String v = string(name);
        if (v == null) {
            return 0;
        }
        Long r = strtol(v);
        if (r == null || r > Integer.MAX_VALUE || r < Integer.MIN_VALUE) {
            throw new BadValue("Invalid value for the '" + key(name) + "' option: '" + v + "'");
        }
        return (int) (long) r;
    }

    /** strtol(s, &end, 10) with *end == '\0' required; null when it is not. */
    static Long strtol(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && isSpace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int digits = i;
        long r = 0;
        boolean overflow = false;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            if (r > (Long.MAX_VALUE - 9) / 10) {
                overflow = true;
            } else {
                r = r * 10 + (s.charAt(i) - '0');
            }
            i++;
        }
        if (i == digits) {
            return s.isEmpty() ? 0L : null; // no digits: end points at the start, which is not '\0'
        }
        if (i != n) {
            return null;
        }
        if (overflow) {
            return neg ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return neg ? -r : r;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }

    /**
     * sb_opt_to_size: leading digits, then an optional K, M, G or T (either case) multiplying by
     * 1024 per step; any other character after the digits makes the size 0, and a value that does
     * not start with a digit is 0 (sysbench's own parser, not sscanf).
     */
    public long size(String name) {
        String v = string(name);
        if (v == null) {
            return 0;
        }
        return parseSize(v);
    }

    static long parseSize(String v) {
        long res = 0;
        int rc = 0;
        char mult = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                if (rc == 1) {
                    rc = 2;
                    mult = c;
                }
                break;
            }
            rc = 1;
            res = res * 10 + (c - '0');
        }
        if (rc == 2) {
            int n = "KMGT".indexOf(Character.toUpperCase(mult));
            if (n < 0) {
                return 0;
            }
            for (int i = 0; i <= n; i++) {
                res *= 1024;
            }
        }
        return res;
    }

    /** sb_opt_to_double: strtod of the last value; what strtod cannot read is 0. */
    public double real(String name) {
        List<String> v = values(name);
        return v.isEmpty() ? 0 : strtod(v.getLast());
    }

    static double strtod(String s) {
        String t = s.strip();
        int end = 0;
        double best = 0;
        // the longest prefix that parses, as strtod stops at the first character it cannot use
        for (int i = 1; i <= t.length(); i++) {
            String p = t.substring(0, i).toLowerCase(Locale.ROOT);
            if (p.endsWith("d") || p.endsWith("f")) {
                continue; // Java's literal suffixes are not C's
            }
            try {
                best = Double.parseDouble(p);
                end = i;
            } catch (NumberFormatException e) {
                // keep the last prefix that parsed
            }
        }
        return end == 0 ? 0 : best;
    }
}
