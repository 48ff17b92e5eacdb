package io.boxscope.trace.scap;

import java.util.List;
import java.util.SortedMap;
import io.boxscope.trace.scap.Inspector.Thread;

/**
 * The {@link Inspector}'s thread table: threads by tid, and beside them how many of them name each pid, so that
 * {@link ThreadRules#fake} (sinsp's get_thread_ref for a tid the table lacks, which gives the new entry one reference
 * per thread of that process) counts them in one lookup instead of walking every thread of the host. A thread's
 * pid changes only through {@link #setPid}, which keeps the count right; every thread is kept under its own tid.
 */
final class ThreadTable {
    private final LongMap<Thread> byTid = new LongMap<>();
    /** By pid: how many threads of the table have it (no entry for none). */
    private final LongMap<int[]> byPid = new LongMap<>();

    Thread get(long tid) {
        return byTid.get(tid);
    }

    /** Puts {@code t} under its tid; returns the thread it replaced, or null. */
    Thread put(Thread t) {
        Thread old = byTid.put(t.tid, t);
        if (old != null) {
            uncount(old.pid);
        }
        count(t.pid);
        return old;
    }

    /** Removes the thread of {@code tid}; returns it, or null when the table had none. */
    Thread remove(long tid) {
        Thread old = byTid.remove(tid);
        if (old != null) {
            uncount(old.pid);
        }
        return old;
    }

    /** Sets {@code t}'s pid, and the count of both pids when {@code t} is in this table. */
    void setPid(Thread t, long pid) {
        if (byTid.get(t.tid) == t) {
            uncount(t.pid);
            count(pid);
        }
        t.pid = pid;
    }

    /** How many threads of the table have pid {@code pid}. */
    int withPid(long pid) {
        int[] n = byPid.get(pid);
        return n == null ? 0 : n[0];
    }

    int size() {
        return byTid.size();
    }

    /** The threads in table order (a copy). */
    List<Thread> values() {
        return byTid.values();
    }

    /** The threads sorted by tid (a copy). */
    SortedMap<Long, Thread> sorted() {
        return byTid.sorted();
    }

    private void count(long pid) {
        int[] n = byPid.get(pid);
        if (n == null) {
            byPid.put(pid, new int[] {1});
        } else {
            n[0]++;
        }
    }

    private void uncount(long pid) {
        int[] n = byPid.get(pid);
        if (n != null && --n[0] == 0) {
            byPid.remove(pid);
        }
    }
}
