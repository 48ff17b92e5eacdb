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
 */
public final class LiveThreads {
    private final TaskTable proc;
    private final Map<Long, TaskInfo> threads = new HashMap<>();

    public LiveThreads(TaskTable proc, List<TaskInfo> seed) {
        this.proc = proc;
        for (TaskInfo t : seed) {
            threads.put(t.tid(), t);
        }
    }

    public TaskInfo get(long tid) {
        return threads.get(tid);
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
        TaskInfo p = threads.getOrDefault(parentTid, threads.get(parentPid));
        if (p == null) {
            return;
        }
        boolean thread = childPid == parentPid;
        // ids in the parent's PID namespace are known only when it is the host's (they are the same)
        boolean hostNs = p.tid() == p.vtid();
        threads.put(childTid, new TaskInfo(childTid, childPid, thread ? p.ppid() : parentPid, p.comm(), p.exe(),
                p.exepath(), p.args(), p.cwd(), p.uid(), p.gid(), hostNs ? childTid : -1, hostNs ? childPid : -1,
                p.cgroups(), p.loginuid()));
    }

    void exec(long pid, long tid, String comm) {
        for (TaskInfo t : proc.process(pid)) {
            threads.put(t.tid(), t);
        }
        TaskInfo t = threads.get(tid);
        if (t != null && !t.comm().equals(comm)) {
            threads.put(tid, new TaskInfo(t.tid(), t.pid(), t.ppid(), comm, t.exe(), t.exepath(), t.args(), t.cwd(),
                    t.uid(), t.gid(), t.vtid(), t.vpid(), t.cgroups(), t.loginuid()));
        }
    }

    /** The process's memory sizes and fd limit, read from /proc now (what the driver reads from the task's mm). */
    io.boxscope.proc.tasks.TaskMemory memory(long pid) {
        return proc.memory(pid);
    }

    void exit(long tid) {
        threads.remove(tid);
    }
}
