package io.boxscope.probe.lang.sema;

import java.util.Collection;
import java.util.List;

/** Levenshtein distance, for "did you mean" hints. */
public final class EditDistance {
    private EditDistance() {}

    public static int between(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * The closest candidates (at most {@code max}): those at the smallest distance found, if it is within a
     * third of the word's length (at least 2), in the candidates' order.
     */
    public static List<String> closest(String word, Collection<String> candidates, int max) {
        int limit = Math.max(2, word.length() / 3);
        record Scored(String s, int d) {}
        List<Scored> near = candidates.stream().distinct()
                .filter(c -> Math.abs(c.length() - word.length()) <= limit)
                .map(c -> new Scored(c, between(word, c)))
                .filter(s -> s.d() <= limit && s.d() > 0)
                .toList();
        int best = near.stream().mapToInt(Scored::d).min().orElse(0);
        return near.stream().filter(s -> s.d() == best).limit(max).map(Scored::s).toList();
    }
}
