package io.boxscope.trace.live;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.tasks.TaskInfo;
import io.boxscope.proc.tasks.TaskTable;

/**
 * The capture's own thread table, as the kernel's process events keep it current: seeded from /proc
 * when the capture starts, a fork adds the child (read from /proc when it is still there, else a copy
 * of its parent), an exec re-reads the process (its new command line; only the new comm when it has
 * already exited), an exit removes the thread. The clone and execve exit events take their process
 * fields from here.
 *
 * <p>Threads of the scan made just before the programs were attached that the scan after it no longer
 * has ({@link #LiveThreads(TaskTable, List, List)}) are kept apart: a process that exited in between (its
 * fork came before the attach, so no fork record names it) still has events in the ring, and
 * {@link #get} answers for it from there, so its events keep their process fields. They are not in
 * {@link #all}: the capture file's process list holds what the scan after the attach found.
 */
public final class LiveThreads {
    private final TaskTable proc;
    private final Map<Long, TaskInfo> threads = new HashMap<>();
    /** Threads the scan before the attach found and the scan after it did not: exited during the start. */
    private final Map<Long, TaskInfo> departed = new HashMap<>();
    /** The v2 cgroup ids of fork and exec records to paths; null on a host without a v2 hierarchy (v1 only). */
    private CgroupPaths cgroupPaths;
    /** Fork and exec records whose cgroup id named no v2 directory (the table's cgroups were kept). */
    private long cgroupsUnknown;

    public LiveThreads(TaskTable proc, List<TaskInfo> seed) {
        this(proc, seed, List.of());
    }

    /**
     * @param seed   the threads /proc listed after the programs were attached
     * @param before the threads /proc listed before the attach (those also in {@code seed} are ignored)
     */
    public LiveThreads(TaskTable proc, List<TaskInfo> seed, List<TaskInfo> before) {
        this.proc = proc;
        for (TaskInfo t : seed) {
            threads.put(t.tid(), t);
        }
        for (TaskInfo t : before) {
            if (!threads.containsKey(t.tid())) {
                departed.put(t.tid(), t);
            }
        }
    }

    /**
     * Names the cgroup ids of the kernel's fork and exec records through {@code paths} from now on (null: the ids are
     * ignored, the cgroups are /proc's or the parent's, as on a v1-only host, where every task's v2 id is the root's).
     */
    void cgroupPaths(CgroupPaths paths) {
        this.cgroupPaths = paths;
    }

    /** Fork and exec records whose v2 cgroup id named no directory of the hierarchy when read (the cgroup was gone). */
    public long cgroupsUnknown() {
        return cgroupsUnknown;
    }

    /** Unknown cgroup ids forgotten to bound their set ({@link CgroupPaths#forgotten}); 0 without a v2 hierarchy. */
    public long cgroupsForgotten() {
        return cgroupPaths == null ? 0 : cgroupPaths.forgotten();
    }

    /** Directories of the v2 hierarchy its last walk could not read ({@link CgroupPaths#unreadable}). */
    public int cgroupDirsUnreadable() {
        return cgroupPaths == null ? 0 : cgroupPaths.unreadable();
    }

    public TaskInfo get(long tid) {
        TaskInfo t = threads.get(tid);
        return t != null ? t : departed.get(tid);
    }

    /** Every thread the table holds now. */
    public List<TaskInfo> all() {
        return List.copyOf(threads.values());
    }

    public int size() {
        return threads.size();
    }

    /**
     * A fork: the child from /proc when it is still there, else a copy of its parent; then its cgroups are those of
     * {@code cgroupId}, the child's v2 cgroup the probe read at the fork (0: not read), when that differs
     * ({@link #withCgroup}): /proc is read later, when a short process is gone or has moved on, and a copied parent
     * may be in another cgroup (runc's init is forked in runc's own and moved into the container's before it execs).
     */
    void fork(long parentPid, long parentTid, long childPid, long childTid, long cgroupId) {
        for (TaskInfo t : proc.process(childPid)) {
            if (t.tid() == childTid) {
                threads.put(childTid, withCgroup(t, cgroupId));
                return;
            }
        }
        TaskInfo p = get(parentTid) != null ? get(parentTid) : get(parentPid);
        if (p == null) {
            return;
        }
        boolean thread = childPid == parentPid;
        // ids in the parent's PID namespace are known only when it is the host's (they are the same)
        boolean hostNs = p.tid() == p.vtid();
        threads.put(childTid, new TaskInfo(childTid, childPid, thread ? p.ppid() : parentPid, p.comm(), p.exe(),
                p.exepath(), p.args(), p.cwd(), p.uid(), p.gid(), hostNs ? childTid : -1, hostNs ? childPid : -1,
                p.cgroups(), p.loginuid(), p.session())); // fork(2): the child is in its parent's session and group
        threads.put(childTid, withCgroup(threads.get(childTid), cgroupId));
    }

    /**
     * {@code t} in v2 cgroup {@code id} (the kernel's, read in the task at its fork or exec, as sysdig's driver reads
     * the task's cgroups at clone and execve exits: libs driver/modern_bpf auxmap__store_cgroups_param) when the path
     * of {@code id} differs from the table's v2 entry ({@link CgroupPaths#moved}); {@code t} itself when the id is 0
     * (not read), names no directory (a cgroup removed since: counted), or there is no v2 hierarchy.
     */
    private TaskInfo withCgroup(TaskInfo t, long id) {
        if (cgroupPaths == null || id == 0 || t == null) {
            return t;
        }
        String path = cgroupPaths.path(id);
        if (path == null) {
            cgroupsUnknown++;
            return t;
        }
        List<String> cgroups = CgroupPaths.moved(t.cgroups(), path);
        if (cgroups == t.cgroups()) {
            return t;
        }
        return new TaskInfo(t.tid(), t.pid(), t.ppid(), t.comm(), t.exe(), t.exepath(), t.args(), t.cwd(), t.uid(), t.gid(),
                t.vtid(), t.vpid(), cgroups, t.loginuid(), t.session());
    }

    /**
     * An exec: the process re-read from /proc, then its comm and, when the probe read it ({@code argv}: the
     * new image's NUL-separated arguments, empty when the read failed), its exe (argv[0]) and args from the
     * record: /proc is read when the record is, later, and by then a short process is gone (the table kept
     * its parent's command line) or has exec'd again. So are {@code exepath} and {@code cwd} when the probe's walk
     * gave them ({@link PathWalk}; null: /proc's, or the parent's for a process gone by then), and its cgroups when
     * {@code cgroupId} (the task's v2 cgroup at the exec, 0 when not read) names another one ({@link #withCgroup}).
     */
    void exec(long pid, long tid, String comm, byte[] argv, String exepath, String cwd, long cgroupId) {
        for (TaskInfo t : proc.process(pid)) {
            threads.put(t.tid(), t);
        }
        TaskInfo t = threads.get(tid);
        if (t == null) {
            return;
        }
        String exe = t.exe();
        List<String> args = t.args();
        if (argv.length > 0) {
            List<String> v = nulSeparated(argv);
            exe = v.isEmpty() ? "" : v.getFirst();
            args = v.isEmpty() ? List.of() : v.subList(1, v.size());
        }
        String path = exepath != null ? exepath : t.exepath();
        String dir = cwd != null ? cwd : t.cwd();
        if (!t.comm().equals(comm) || !t.exe().equals(exe) || !t.args().equals(args) || !java.util.Objects.equals(t.exepath(), path)
                || !java.util.Objects.equals(t.cwd(), dir)) {
            t = new TaskInfo(t.tid(), t.pid(), t.ppid(), comm, exe, path, args, dir,
                    t.uid(), t.gid(), t.vtid(), t.vpid(), t.cgroups(), t.loginuid(), t.session());
        }
        threads.put(tid, withCgroup(t, cgroupId));
    }

    /**
     * NUL-separated strings as /proc/PID/cmdline holds them (a last one without its NUL kept: a cut area), decoded
     * with {@link io.boxscope.proc.RawText} so that bytes that are not UTF-8 are written back to a capture as
     * they were (argv, and the exec paths of {@link PathWalk#path}).
     */
    static List<String> nulSeparated(byte[] b) {
        List<String> out = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(io.boxscope.proc.RawText.decode(b, start, i - start));
                start = i + 1;
            }
        }
        if (start < b.length) {
            out.add(io.boxscope.proc.RawText.decode(b, start, b.length - start));
        }
        return out;
    }

    /** The process's memory sizes and fd limit, read from /proc now (what the driver reads from the task's mm). */
    io.boxscope.proc.tasks.TaskMemory memory(long pid) {
        return proc.memory(pid);
    }

    /**
     * A thread {@code oldTid} that exec'd while not its process's leader: the kernel gave it the leader's tid
     * {@code tid} (fs/exec.c de_thread, exchange_tids), and the old tid is gone with no exit of its own. Its entry
     * moves to {@code tid} (as the leader's: its vtid the process's vpid) unless the table has that tid already.
     */
    void retid(long oldTid, long tid) {
        TaskInfo t = threads.remove(oldTid);
        departed.remove(oldTid);
        if (t == null || threads.get(tid) != null) {
            return;
        }
        threads.put(tid, new TaskInfo(tid, t.pid(), t.ppid(), t.comm(), t.exe(), t.exepath(), t.args(), t.cwd(), t.uid(),
                t.gid(), t.vpid(), t.vpid(), t.cgroups(), t.loginuid(), t.session()));
    }

    void exit(long tid) {
        threads.remove(tid);
        departed.remove(tid);
    }
}
