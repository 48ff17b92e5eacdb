package io.boxscope.trace.scap;

import io.boxscope.trace.scap.Inspector.Thread;

import java.util.HashSet;
import java.util.Set;

/**
 * proc.sname as filterchecks.cpp's TYPE_SNAME works it out (libs e5c53d64): by convention a session's id is its
 * leader's pid, so the comm of the thread whose tid is the session id; when the table has no such thread (the
 * leader exited), the comm of the eldest ancestor of the process's main thread that is still in the same session,
 * walking parent thread ids (sinsp_threadinfo::traverse_parent_state, which stops at a loop).
 */
final class SessionLeader {
    private SessionLeader() {}

    /** The session leader's name for thread {@code t}, or null when its main thread is not in the table. */
    static String name(Inspector inspector, Thread t) {
        Thread leader = t.sid() == -1 ? null : inspector.thread(t.sid());
        if (leader != null) {
            return comm(leader);
        }
        Thread mt = t.tid() == t.pid() ? t : inspector.thread(t.pid());
        if (mt == null) {
            return null;
        }
        long sid = mt.sid();
        Set<Long> seen = new HashSet<>();
        seen.add(mt.tid());
        for (Thread p = parent(inspector, mt); p != null && p.tid() != -1 && p.sid() == sid && seen.add(p.tid());
             p = parent(inspector, p)) {
            mt = p;
        }
        return comm(mt);
    }

    private static Thread parent(Inspector inspector, Thread t) {
        return t.ptid() == -1 || t.ptid() == t.tid() ? null : inspector.thread(t.ptid());
    }

    /** get_comm: sinsp's fake entry of a thread nobody listed is named {@code <NA>}. */
    private static String comm(Thread t) {
        return t.comm() == null ? "<NA>" : t.comm();
    }
}
