package io.boxscope.bpf.tracefs;

/**
 * Shell-style wildcard matching as bpftrace applies it to probe names: {@code *} matches any run of
 * characters (also empty), {@code ?} one character, everything else itself. No character classes:
 * probe names never need them and a literal {@code [} must keep matching itself.
 */
public final class Glob {
    private final String pattern;

    private Glob(String pattern) {
        this.pattern = pattern;
    }

    public static Glob of(String pattern) {
        return new Glob(pattern);
    }

    public String pattern() {
        return pattern;
    }

    /** True if the pattern contains a wildcard, i.e. it may match more than one name. */
    public boolean isWildcard() {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
    }

    /** Iterative matcher with single backtracking point: linear in practice, no regex, no recursion. */
    public boolean matches(String s) {
        int p = 0;
        int i = 0;
        int star = -1;
        int mark = 0;
        while (i < s.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == s.charAt(i))) {
                p++;
                i++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = i;
            } else if (star >= 0) {
                p = star + 1;
                i = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
