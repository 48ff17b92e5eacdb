package io.boxscope.trace.scap;

import io.boxscope.trace.scap.Inspector.Thread;

import static io.boxscope.trace.scap.EventParams.num;

/**
 * A thread's session, process group, controlling terminal and audit login uid (proc.sid, proc.vpgid, proc.tty,
 * user.loginuid) as libsinsp keeps them (libs e5c53d64):
 * <ul>
 * <li>the process list gives sid, vpgid and loginuid (PL block versions 6, 8 and 9, scap_savefile.c); it has no tty,
 *     so every listed thread starts with tty 0 (sinsp_threadinfo::init);</li>
 * <li>parse_clone_exit copies all four from a valid caller; a child whose caller the tables do not know keeps
 *     init's values (sid and vpgid -1, tty and loginuid 0);</li>
 * <li>parse_execve_exit takes tty (parameter 16), pgid as vpgid (17) and loginuid (18, when present);</li>
 * <li>parse_setsid_exit takes the returned session id.</li>
 * </ul>
 * Nothing else changes them: sinsp does not parse setpgid, so a process group changed by it keeps the old vpgid
 * until the next execve.
 */
final class ThreadSession {
    private ThreadSession() {}

    /** A process list entry's values (sinsp_threadinfo::init_from_scap: tty is in no PL version, so 0). */
    static void listed(Thread t, ThreadInfo info) {
        t.sid = info.sid();
        t.vpgid = info.vpgid();
        t.tty = 0;
        t.loginuid = info.loginuid();
    }

    /** get_thread_ref's fake entry for a thread nobody listed: loginuid 0xffffffff, the rest init's. */
    static void unknown(Thread t) {
        t.loginuid = -1;
    }

    /** parse_clone_exit with a valid caller: the child shares its caller's session, group, terminal and login uid. */
    static void inherit(Thread child, Thread caller) {
        child.sid = caller.sid;
        child.vpgid = caller.vpgid;
        child.tty = caller.tty;
        child.loginuid = caller.loginuid;
    }

    /** parse_clone_exit's child of an invalid caller: sinsp_threadinfo::init's values. */
    static void fresh(Thread child) {
        child.sid = -1;
        child.vpgid = -1;
        child.tty = 0;
        child.loginuid = 0;
    }

    /** parse_execve_exit on success: tty, pgid and loginuid of the exit, each when the event version has it. */
    static void execve(Thread t, ScapEvent e) {
        long tty = num(e, "tty");
        if (tty != Long.MIN_VALUE) {
            t.tty = (int) tty;
        }
        long pgid = num(e, "pgid");
        if (pgid != Long.MIN_VALUE) {
            t.vpgid = pgid;
        }
        long loginuid = num(e, "loginuid");
        if (loginuid != Long.MIN_VALUE) {
            t.loginuid = (int) loginuid;
        }
    }

    /** parse_setsid_exit: a non-negative result is the new session id. */
    static void setsid(ScapEvent e, Thread t) {
        long res = num(e, "res");
        if (t != null && res >= 0) {
            t.sid = res;
        }
    }
}
