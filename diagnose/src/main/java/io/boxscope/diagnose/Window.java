package io.boxscope.diagnose;

import java.util.List;

/**
 * The snapshots of one diagnosis window, in order, and what could not be read while taking them.
 *
 * @param targetExited the target's processes were all gone before the window ended
 * @param vanished threads that exited between being listed and being read (counted, not an error)
 */
public record Window(List<Snapshot> snapshots, List<String> problems, int vanished, boolean targetExited) {
    public Window {
        snapshots = List.copyOf(snapshots);
        problems = List.copyOf(problems);
        if (snapshots.isEmpty()) {
            throw new IllegalArgumentException("a window needs at least one snapshot");
        }
    }

    public Snapshot first() {
        return snapshots.getFirst();
    }

    public Snapshot last() {
        return snapshots.getLast();
    }

    public double seconds() {
        return (last().monoNs() - first().monoNs()) / 1e9;
    }
}
