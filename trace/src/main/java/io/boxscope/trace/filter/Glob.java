package io.boxscope.trace.filter;

/**
 * fnmatch(3) with no flags, which is what sysdig's {@code glob} operator calls
 * (sinsp_utils::glob_match): {@code *} matches any run of characters, '/' and a leading '.'
 * included; {@code ?} one character; {@code [...]} a set ({@code !} or {@code ^} negates, ranges,
 * [:classes:]); a backslash makes the next character literal. Strings are bytes (one char each),
 * compared as in the C locale.
 */
public final class Glob {
    private Glob() {}

    /** Whether {@code text} matches {@code pattern} as fnmatch(pattern, text, 0) == 0. */
    public static boolean matches(String pattern, String text) {
        return match(pattern, 0, text, 0);
    }

    /**
     * Matching with backtracking to the last '*' only (the classic linear-time method): a later
     * star can absorb whatever an earlier one would have, so earlier choices never need revisiting.
     */
    private static boolean match(String p, int pi, String t, int ti) {
        int starP = -1;
        int starT = -1;
        while (ti < t.length() || pi < p.length()) {
            if (pi < p.length()) {
                char c = p.charAt(pi);
                if (c == '*') {
                    starP = ++pi;
                    starT = ti;
                    continue;
                }
                int step = step(p, pi, t, ti);
                if (step > 0) {
                    pi += step;
                    ti++;
                    continue;
                }
            }
            if (starP >= 0 && starT < t.length()) {
                pi = starP;
                ti = ++starT;
                continue;
            }
            return false;
        }
        return true;
    }

    /** How many pattern chars the token at pi takes when it matches t[ti], or 0 when it does not. */
    private static int step(String p, int pi, String t, int ti) {
        if (ti >= t.length()) {
            return 0;
        }
        char c = p.charAt(pi);
        char x = t.charAt(ti);
        switch (c) {
            case '?' -> {
                return 1;
            }
            case '[' -> {
                int end = setEnd(p, pi);
                if (end < 0) {
                    return x == '[' ? 1 : 0; // no closing bracket: an ordinary '['
                }
                return inSet(p, pi + 1, end, x) ? end + 1 - pi : 0;
            }
            case '\\' -> {
                if (pi + 1 < p.length()) {
                    return x == p.charAt(pi + 1) ? 2 : 0;
                }
                return x == '\\' ? 1 : 0;
            }
            default -> {
                return x == c ? 1 : 0;
            }
        }
    }

    /** The index of the ']' closing the set opened at {@code open}, or -1. */
    private static int setEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            i++;
        }
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == ']') {
                return i;
            }
            if (c == '[' && i + 1 < p.length() && p.charAt(i + 1) == ':') {
                int close = p.indexOf(":]", i + 2);
                if (close < 0) {
                    return -1;
                }
                i = close + 2;
                continue;
            }
            if (c == '\\' && i + 1 < p.length()) {
                i += 2;
                continue;
            }
            i++;
        }
        return -1;
    }

    private static boolean inSet(String p, int from, int end, char ch) {
        boolean negate = false;
        int i = from;
        if (i < end && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            negate = true;
            i++;
        }
        boolean found = false;
        boolean first = true;
        while (i < end) {
            char c = p.charAt(i);
            if (c == '[' && i + 1 < end && p.charAt(i + 1) == ':') {
                int close = p.indexOf(":]", i + 2);
                found |= inClass(p.substring(i + 2, close), ch);
                i = close + 2;
                first = false;
                continue;
            }
            if (c == '\\' && i + 1 < end) {
                c = p.charAt(++i);
            } else if (c == ']' && !first) {
                break;
            }
            first = false;
            if (i + 2 < end && p.charAt(i + 1) == '-' && p.charAt(i + 2) != ']') {
                char hi = p.charAt(i + 2);
                if (hi == '\\' && i + 3 < end) {
                    hi = p.charAt(i + 3);
                    i++;
                }
                found |= ch >= c && ch <= hi;
                i += 3;
            } else {
                found |= ch == c;
                i++;
            }
        }
        return found != negate;
    }

    private static boolean inClass(String name, char c) {
        return switch (name) {
            case "alpha" -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            case "digit" -> c >= '0' && c <= '9';
            case "alnum" -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            case "upper" -> c >= 'A' && c <= 'Z';
            case "lower" -> c >= 'a' && c <= 'z';
            case "space" -> c == ' ' || (c >= '\t' && c <= '\r');
            case "blank" -> c == ' ' || c == '\t';
            case "punct" -> c > ' ' && c < 0x7f && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
            case "xdigit" -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            case "cntrl" -> c < ' ' || c == 0x7f;
            case "print" -> c >= ' ' && c < 0x7f;
            case "graph" -> c > ' ' && c < 0x7f;
            default -> false;
        };
    }
}
