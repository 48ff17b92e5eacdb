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

    void fork(long parentPid, long parentTid, long childPid, long childTid) {
        for (TaskInfo t : proc.process(childPid)) {
            if (t.tid() == childTid) {
                threads.put(childTid, t);
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
    }

    /**
     * An exec: the process re-read from /proc, then its comm and, when the probe read it ({@code argv}: the
     * new image's NUL-separated arguments, empty when the read failed), its exe (argv[0]) and args from the
     * record: /proc is read when the record is, later, and by then a short process is gone (the table kept
     * its parent's command line) or has exec'd again. So are {@code exepath} and {@code cwd} when the probe's walk
     * gave them ({@link PathWalk}; null: /proc's, or the parent's for a process gone by then).
     */
    void exec(long pid, long tid, String comm, byte[] argv, String exepath, String cwd) {
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
            threads.put(tid, new TaskInfo(t.tid(), t.pid(), t.ppid(), comm, exe, path, args, dir,
                    t.uid(), t.gid(), t.vtid(), t.vpid(), t.cgroups(), t.loginuid(), t.session()));
        }
    }

    /**
     * NUL-separated strings as /proc/PID/cmdline holds them (a last one without its NUL kept: a cut area), decoded
     * with {@link io.boxscope.trace.scap.RawText} so that bytes that are not UTF-8 are written back to a capture as
     * they were (argv, and the exec paths of {@link PathWalk#path}).
     */
    static List<String> nulSeparated(byte[] b) {
        List<String> out = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(io.boxscope.trace.scap.RawText.decode(b, start, i - start));
                start = i + 1;
            }
        }
        if (start < b.length) {
            out.add(io.boxscope.trace.scap.RawText.decode(b, start, b.length - start));
        }
        return out;
    }

    /** The process's memory sizes and fd limit, read from /proc now (what the driver reads from the task's mm). */
    io.boxscope.proc.tasks.TaskMemory memory(long pid) {
        return proc.memory(pid);
    }

    void exit(long tid) {
        threads.remove(tid);
        departed.remove(tid);
    }
}
