package io.boxscope.proc.tasks;

import java.util.List;

/**
 * One thread as /proc describes it, the fields a system call tracer's thread table needs (what
 * libscap's {@code scap_proc_scan_proc_dir} reads for sysdig's process list).
 *
 * @param tid     thread id
 * @param pid     thread group id
 * @param ppid    parent process id ({@code PPid:} in status)
 * @param comm    the task's comm
 * @param exe     argv[0] (empty for kernel threads)
 * @param exepath /proc/PID/exe's target, or empty when unreadable
 * @param args    argv[1..]
 * @param cwd     working directory, or empty when unreadable
 * @param uid     effective uid
 * @param gid     effective gid
 * @param vtid    thread id in its innermost PID namespace
 * @param vpid    process id in its innermost PID namespace
 * @param cgroups {@code controllers=path} entries from /proc/PID/cgroup ({@code =path} for v2's unified line)
 * @param loginuid audit login uid, -1 when unset
 * @param session  the process's session, process group and controlling terminal
 */
public record TaskInfo(long tid, long pid, long ppid, String comm, String exe, String exepath, List<String> args,
                       String cwd, int uid, int gid, long vtid, long vpid, List<String> cgroups, int loginuid,
                       TaskSession session) {
    public TaskInfo {
        args = List.copyOf(args);
        cgroups = List.copyOf(cgroups);
        java.util.Objects.requireNonNull(session, "session");
    }

    /** A thread whose session, group and terminal are unknown ({@link TaskSession#UNKNOWN}). */
    public TaskInfo(long tid, long pid, long ppid, String comm, String exe, String exepath, List<String> args,
                    String cwd, int uid, int gid, long vtid, long vpid, List<String> cgroups, int loginuid) {
        this(tid, pid, ppid, comm, exe, exepath, args, cwd, uid, gid, vtid, vpid, cgroups, loginuid, TaskSession.UNKNOWN);
    }

    /** Whether this thread leads its thread group. */
    public boolean isMain() {
        return tid == pid;
    }
}
