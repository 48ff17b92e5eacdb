package io.boxscope.tools.stacks;

import java.util.ArrayList;
import java.util.List;

/**
 * Brendan Gregg's folded stack format, as libbpf-tools' profile {@code -f} prints it (profile.c,
 * {@code print_count}): the command name, then the user frames outermost first, then (after
 * {@code -} with {@code -d}) the kernel frames outermost first, joined by {@code ;}, a space and the
 * weight. A name holding {@code ;} or a line break would split a frame or a line of the format, so
 * those characters become {@code _} (flamegraph.pl cannot read them either).
 */
public final class Folded {
    private Folded() {}

    /** One line, without its newline. */
    public static String line(StackSample s, boolean delimiter) {
        StringBuilder b = new StringBuilder(clean(s.comm()));
        for (String f : s.user().reversed()) {
            b.append(';').append(clean(f));
        }
        if (delimiter && !s.user().isEmpty() && !s.kernel().isEmpty()) {
            b.append(";-");
        }
        for (String f : s.kernel().reversed()) {
            b.append(';').append(clean(f));
        }
        return b.append(' ').append(s.weight()).toString();
    }

    /** Every sample, one line each, in the order given. */
    public static List<String> lines(List<StackSample> samples, boolean delimiter) {
        List<String> out = new ArrayList<>(samples.size());
        for (StackSample s : samples) {
            out.add(line(s, delimiter));
        }
        return out;
    }

    /** The frames of a sample root first, as a flame graph stacks them: comm, user outermost..innermost, kernel. */
    public static List<String> path(StackSample s) {
        List<String> out = new ArrayList<>(1 + s.user().size() + s.kernel().size());
        out.add(s.comm());
        out.addAll(s.user().reversed());
        out.addAll(s.kernel().reversed());
        return out;
    }

    static String clean(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            b.append(c == ';' || c == '\n' || c == '\r' ? '_' : c);
        }
        return b.toString();
    }
}
