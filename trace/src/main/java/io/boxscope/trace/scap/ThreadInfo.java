package io.boxscope.trace.scap;

import java.util.List;

/**
 * One thread of the process list block (PL, version 9 as sysdig 0.29 writes it; libscap's
 * {@code scap_threadinfo}). Lists are stored NUL-separated in the file.
 *
 * @param tid       thread id
 * @param pid       process id (thread group leader)
 * @param ptid      parent's thread id
 * @param sid       session id
 * @param vpgid     process group id in the process's PID namespace
 * @param comm      the task's comm (proc.name)
 * @param exe       argv[0]
 * @param exepath   /proc/PID/exe's target
 * @param args      argv[1..]
 * @param cwd       working directory, with a trailing slash as libscap stores it
 * @param fdlimit   RLIMIT_NOFILE's soft limit
 * @param flags     PPM_CL_* flags (e.g. CLONE_THREAD for non-leader threads)
 * @param uid       effective uid
 * @param gid       effective gid
 * @param vmsizeKb  VmSize
 * @param vmrssKb   VmRSS
 * @param vmswapKb  VmSwap
 * @param pfMajor   major page faults
 * @param pfMinor   minor page faults
 * @param env       environment, {@code NAME=value} entries
 * @param vtid      tid in its PID namespace
 * @param vpid      pid in its PID namespace
 * @param cgroups   {@code subsys=path} entries, e.g. {@code cpu=/docker/abc}
 * @param root      the process's root directory
 * @param loginuid  audit login uid, -1 when unset
 * @param exeWritable whether the executable is writable by the process's user
 */
public record ThreadInfo(long tid, long pid, long ptid, long sid, long vpgid, String comm, String exe, String exepath,
                         List<String> args, String cwd, long fdlimit, int flags, int uid, int gid, int vmsizeKb,
                         int vmrssKb, int vmswapKb, long pfMajor, long pfMinor, List<String> env, long vtid, long vpid,
                         List<String> cgroups, String root, int loginuid, boolean exeWritable) {
    public ThreadInfo {
        args = List.copyOf(args);
        env = List.copyOf(env);
        cgroups = List.copyOf(cgroups);
    }

    /** A thread with the fields a reader needs; the rest zero or empty (root {@code /}, no login uid). */
    public static ThreadInfo of(long tid, long pid, long ptid, String comm, String exe, List<String> args, String cwd,
                                int uid, int gid) {
        return new ThreadInfo(tid, pid, ptid, pid, pid, comm, exe, exe, args, cwd, 1024, 0, uid, gid, 0, 0, 0, 0, 0,
                List.of(), tid, pid, List.of(), "/", -1, false);
    }
}
