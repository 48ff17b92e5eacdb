package io.boxscope.trace.scap;

import io.boxscope.trace.scap.Inspector.Thread;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The proc and thread fields sinsp_filter_check_thread::extract answers from the thread table alone (filterchecks.cpp,
 * libs e5c53d64: TYPE_ENV, TYPE_EXELINE, TYPE_NTHREADS, TYPE_LOGINSHELLID, TYPE_FDOPENCOUNT, TYPE_CGROUPS), kept out
 * of {@link ScapFields} so that class stays about events. Each method returns null where sysdig has no value.
 */
final class ProcessFields {
    private ProcessFields() {}

    /** TYPE_ENV: get_env (the main thread's environment, the thread's own when no main thread is listed), joined by spaces. */
    static String env(Inspector inspector, Thread t) {
        Thread m = t.tid() == t.pid() ? t : inspector.thread(t.pid());
        return String.join(" ", (m != null ? m : t).env());
    }

    /** TYPE_EXELINE: get_exe, a space, then the arguments separated by spaces (the space stays without arguments). */
    static String exeline(Thread t) {
        String exe = t.comm() == null && t.exe() == null ? "<NA>" : t.exe() == null ? "" : t.exe();
        return exe + " " + String.join(" ", t.args());
    }

    /** TYPE_NTHREADS: the main thread's m_nchilds plus one; null when the table lists no main thread. */
    static Long nthreads(Inspector inspector, Thread t) {
        Thread m = t.tid() == t.pid() ? t : inspector.thread(t.pid());
        return m == null ? null : (long) m.nchilds() + 1;
    }

    /**
     * TYPE_FDOPENCOUNT: get_fd_opencount, the size of the main thread's own fd table (0 without one). A close exit
     * removes its fd here at once, where sinsp queues it (m_fds_to_remove) and erases it before the next event: so
     * {@code closing}, the fd a successful close exit of {@code t} removed (-1 for any other event), still counts
     * when it was removed from the main thread's table.
     */
    static long fdOpenCount(Inspector inspector, Thread t, long closing) {
        Thread m = t.tid() == t.pid() ? t : inspector.thread(t.pid());
        if (m == null) {
            return 0;
        }
        return m.fdCount() + (closing >= 0 && t.fds == m.fds && m.fds.get(closing) == null ? 1 : 0);
    }

    /**
     * TYPE_LOGINSHELLID: the pid of the last thread, walking from the main thread up its parents
     * (traverse_parent_state: get_parent_thread by m_ptid, stopping at tid -1, a missing parent or a loop), whose
     * comm ends in "sh"; null when none does or the table lists no main thread.
     */
    static Long loginShellId(Inspector inspector, Thread t) {
        Thread m = t.tid() == t.pid() ? t : inspector.thread(t.pid());
        if (m == null) {
            return null;
        }
        Long res = shell(m) ? m.pid() : null;
        Set<Long> seen = new HashSet<>();
        seen.add(m.tid());
        for (Thread p = inspector.thread(m.ptid()); p != null && p.tid() != -1 && seen.add(p.tid());
             p = inspector.thread(p.ptid())) {
            if (shell(p)) {
                res = p.pid();
            }
        }
        return res;
    }

    private static boolean shell(Thread t) {
        return t.comm() != null && t.comm().length() >= 2 && t.comm().endsWith("sh");
    }

    /** TYPE_CGROUPS: subsystem=path entries joined by spaces; null when the thread has none. */
    static String cgroups(Thread t) {
        List<String> c = t.cgroups();
        return c.isEmpty() ? null : String.join(" ", c);
    }

    /** TYPE_CGROUP: the path of the thread's entry for subsystem {@code subsys}; null when it has none. */
    static String cgroup(Thread t, String subsys) {
        for (String c : t.cgroups()) {
            int eq = c.indexOf('=');
            if (eq >= 0 && c.substring(0, eq).equals(subsys)) {
                return c.substring(eq + 1);
            }
        }
        return null;
    }

    /** The process's main thread (whose ptid is the process's parent), or the thread itself; null for null. */
    static Thread main(Inspector inspector, Thread th) {
        if (th == null) {
            return null;
        }
        Thread m = inspector.thread(th.pid());
        return m != null ? m : th;
    }

    /** The n-th ancestor of {@code t}'s process (0 the process itself), as sinsp walks get_parent_thread, or null. */
    static Thread ancestor(Inspector inspector, Thread t, int n) {
        Thread a = main(inspector, t);
        for (int i = 0; i < n && a != null; i++) {
            a = a.ptid() < 0 ? null : main(inspector, inspector.thread(a.ptid()));
        }
        return a;
    }

    /**
     * TYPE_PNAME, TYPE_PCMDLINE: get_thread_ref(tinfo->m_ptid), the thread's own parent (a thread's is the thread that
     * cloned it, so a thread of python3 started by its main thread has pname python3), not the main thread's; null
     * without one.
     */
    static Thread parent(Inspector inspector, Thread t) {
        return t == null || t.ptid() < 0 ? null : inspector.thread(t.ptid());
    }

    /**
     * TYPE_FDLIMIT (get_fd_limit): the main thread's limit; a main thread the table lacks is sinsp's fake entry,
     * limit -1.
     */
    static long fdLimit(Inspector inspector, Thread t) {
        Thread m = t.tid() == t.pid() ? t : inspector.thread(t.pid());
        return m == null ? -1 : m.fdlimit();
    }

    /** proc.cmdline (sinsp_threadinfo::populate_cmdline): comm, then each argument after a space; comm {@code <NA>} when unknown. */
    static String cmdline(Thread t) {
        String comm = t.comm() == null ? "<NA>" : t.comm();
        return t.args().isEmpty() ? comm : comm + " " + String.join(" ", t.args());
    }
}
