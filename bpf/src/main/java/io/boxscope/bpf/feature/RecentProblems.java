package io.boxscope.bpf.feature;

import java.util.ArrayList;
import java.util.List;

/**
 * The last few problems a per-boot cache met, said in words, for {@code BOXSCOPE_DEBUG}'s lines: the boot caches
 * ({@link BootCache}), the kallsyms cache and probe's compile cache each keep one. Bounded so a run that fails on
 * every lookup cannot grow it; how many problems there were in all is each cache's own counter (never lost: the
 * count says how many words were dropped from here).
 */
public final class RecentProblems {
    /** Problems kept: the oldest is dropped when another comes. */
    public static final int KEPT = 8;

    private final List<String> problems = new ArrayList<>();

    /** Keeps {@code what}, dropping the oldest when {@link #KEPT} are kept already. */
    public void add(String what) {
        synchronized (problems) {
            if (problems.size() == KEPT) {
                problems.removeFirst();
            }
            problems.add(what);
        }
    }

    /** The kept problems, oldest first. */
    public List<String> list() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }
}
