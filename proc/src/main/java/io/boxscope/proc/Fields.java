package io.boxscope.proc;

/**
 * The whitespace-separated fields of one line of a /proc or cgroup file, found by hand. The parsers that run on every
 * sample of {@code boxscope diagnose} (a thread's schedstat, a cgroup's cpu.stat and io.stat) used
 * {@code line.strip().split("\\s+")}: a regex matcher and an array of new strings per line, ten times a second per
 * thread (issue 15: diagnose's sampling takes CPU from the target). The fields are the same as that expression's: the
 * line is first trimmed as {@link String#strip()} trims (any {@link Character#isWhitespace} at either end), then split
 * at runs of the characters {@code \s} matches (space, tab, newline, vertical tab, form feed, carriage return); a field
 * is an offset pair into the text, nothing is copied.
 */
public final class Fields {
    private Fields() {}

    /** Whether {@code c} is one of the characters the regex {@code \s} matches (java.util.regex.Pattern, no flags). */
    static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /**
     * Finds the fields of {@code text[from, to)} into {@code bounds} (field i starts at {@code bounds[2i]} and ends before
     * {@code bounds[2i + 1]}), at most {@code bounds.length / 2} of them, and returns how many there are in all (which can
     * be more than were stored: the caller tells "exactly two" from "two and more").
     */
    public static int split(CharSequence text, int from, int to, int[] bounds) {
        // String.strip(): whitespace by code point at both ends (a surrogate pair is never whitespace)
        while (from < to && Character.isWhitespace(text.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
            to--;
        }
        int n = 0;
        int i = from;
        while (i < to) {
            int start = i;
            while (i < to && !space(text.charAt(i))) {
                i++;
            }
            if (2 * n + 1 < bounds.length) {
                bounds[2 * n] = start;
                bounds[2 * n + 1] = i;
            }
            n++;
            while (i < to && space(text.charAt(i))) {
                i++;
            }
        }
        return n;
    }

    /** The end of the line that starts at {@code from}: the next '\n', or the text's end. */
    public static int lineEnd(CharSequence text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) != '\n') {
            i++;
        }
        return i;
    }

    /** Whether {@code text[start, end)} is {@code word}. */
    public static boolean is(CharSequence text, int start, int end, String word) {
        if (end - start != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (text.charAt(start + i) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code text[start, end)} as {@link Long#parseLong(String)} reads it, or {@link ProcParseException} naming {@code file}. */
    public static long number(String file, CharSequence text, int start, int end) {
        try {
            return Long.parseLong(text, start, end, 10);
        } catch (NumberFormatException e) {
            throw new ProcParseException(file, "not a number: '" + text.subSequence(start, end) + "'");
        }
    }
}
