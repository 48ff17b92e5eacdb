package io.boxscope.diagnose;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.ProcParseException;
import io.boxscope.proc.ProcStat;
import io.boxscope.proc.TaskSchedStat;
import io.boxscope.proc.cgroup.CgroupFs;

/**
 * What the exits collector ({@code ebpf-exits.bt}) is told when its window starts, read from {@code /proc} and the
 * cgroup tree just before it is attached.
 *
 * <p>Each task's CPU time so far ({@link #startNs}): {@code sched_process_exit} can only read the exiting task's
 * {@code se.sum_exec_runtime}, its whole life's CPU time, so a long-lived process that exits in the window would bring
 * its CPU from before the window. {@code /proc/PID/task/TID/schedstat}'s first field is the same counter
 * (fs/proc/base.c {@code proc_pid_schedstat}: {@code task->se.sum_exec_runtime}, in ns); where the kernel has no
 * schedstat (no CONFIG_SCHED_INFO) the task's {@code utime + stime} from its {@code stat} (proc(5), clock ticks of
 * 1/100 s) stands in, at tick resolution.
 *
 * <p>A process target's descendants ({@link #descendants}): its children and theirs, from its threads'
 * {@code /proc/PID/task/TID/children} files where the kernel has them ({@link #childrenFiles}), else by each process's
 * parent in {@code /proc/PID/stat} (field 4, ppid); the script adds those forked later itself.
 *
 * <p>Each of those ids' start time ({@link #born}): the program is attached after this is read, so a process or thread
 * that exits in between is never seen to exit, and its id, given again to another task (pids wrap at
 * {@code /proc/sys/kernel/pid_max}), would be taken for the target's: {@link #stale} names the ids whose task is gone
 * since, for the caller to delete once the program is attached.
 *
 * @param descendants the processes below a process target (empty for a container or cgroup target)
 * @param startNs CPU time so far of every task of the target (and of its descendants) by thread id
 * @param unreadable tasks listed whose CPU time could not be read (they exited meanwhile, or their files are not
 *     readable): their exits in the window count their whole life
 * @param born start time (proc(5) stat field 22, clock ticks after boot) of each descendant and task read, by id
 */
record ExitBaseline(Set<Integer> descendants, Map<Integer, Long> startNs, int unreadable, Map<Integer, Long> born) {
    private static final long NS_PER_TICK = 1_000_000_000L / 100; // USER_HZ is 100 on Linux (proc(5))

    /** For {@code target}: by pid (its descendants and their threads) or by the threads of its cgroup v2 directory. */
    static ExitBaseline read(Target target, HostPaths paths, boolean byTgid) throws IOException {
        List<Integer> tgids = new ArrayList<>();
        Set<Integer> descendants = new LinkedHashSet<>();
        List<Integer> tids = new ArrayList<>();
        if (byTgid) {
            int root = target.pid().orElseThrow();
            descendants.addAll(descendantsNow(paths, root));
            tgids.add(root);
            tgids.addAll(descendants);
            for (int p : tgids) {
                tids.addAll(threads(paths, p));
            }
        } else {
            Path dir = new CgroupFs(paths).unifiedDir(target.cgroups()).orElseThrow(
                    () -> new IOException("the target's cgroup has no cgroup v2 directory"));
            for (String line : Files.readAllLines(dir.resolve("cgroup.threads"))) {
                if (!line.isBlank()) {
                    tids.add(Integer.parseInt(line.strip()));
                }
            }
        }
        Map<Integer, Long> start = new LinkedHashMap<>();
        Map<Integer, Long> born = new HashMap<>();
        for (int d : descendants) {
            born.put(d, startTime(paths, d));
        }
        int unreadable = 0;
        for (int tid : tids) {
            born.put(tid, startTime(paths, tid));
            long ns = cpuNs(paths, tid);
            if (ns < 0) {
                unreadable++;
            } else {
                start.put(tid, ns);
            }
        }
        return new ExitBaseline(descendants, start, unreadable, born);
    }

    /**
     * The processes below {@code root} now: from the children files where the kernel has them, else every stat. One
     * that has exited is left out though its parent has not reaped it yet: the children file lists such a zombie
     * (fs/proc/array.c get_children_pid walks {@code task->children}, where an exited child stays until its parent's
     * wait), and so does its stat's ppid. Its exit is over: taken for a live descendant, the recheck after the attach
     * ({@code Ebpf.recheckExits}) kept its {@code @dg_target} entry, which a new process given its pid inherited.
     */
    static Set<Integer> descendantsNow(HostPaths paths, int root) {
        Set<Integer> out = childrenFiles(paths, root).orElseGet(() -> descendants(root, parents(paths)));
        out.removeIf(pid -> startTime(paths, pid) < 0);
        return out;
    }

    /**
     * The ids of {@code ids} whose task is gone since {@link #read}: no longer there, there with another start time (the
     * id given to a new task), or a zombie that is the last of its process (it exited; its id is free once reaped). A
     * task that exited while the program was attached was deleted by the program already; deleting it again is harmless.
     */
    Set<Integer> stale(HostPaths paths, java.util.Collection<Integer> ids) {
        Set<Integer> out = new LinkedHashSet<>();
        for (int id : ids) {
            long then = born.getOrDefault(id, -1L);
            if (then < 0 || startTime(paths, id) != then) {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * A task's start time in clock ticks after boot (proc(5) stat field 22), read from {@code /proc/ID/task/ID/stat}
     * (any thread's id, not only a process's, fs/proc/base.c proc_pid_lookup); -1 when it is gone or exited: a zombie
     * (state Z or X) that is the last task of its process, which no sched_process_exit will report again.
     */
    static long startTime(HostPaths paths, int id) {
        try {
            ProcStat st = ProcStat.parse(Files.readString(paths.pidFile(id, "task").resolve(Integer.toString(id)).resolve("stat"),
                    java.nio.charset.StandardCharsets.ISO_8859_1));
            boolean dead = (st.state() == 'Z' || st.state() == 'X') && st.numThreads() <= 1;
            return dead ? -1 : st.startTimeTicks();
        } catch (IOException | ProcParseException e) {
            return -1;
        }
    }

    /**
     * The descendants of {@code root} from each thread's {@code /proc/PID/task/TID/children} (proc(5); CONFIG_PROC_CHILDREN):
     * the files of the target's threads and its descendants' only, where {@link #parents} reads every process's stat
     * (17 ms of CPU for a childless target beside 135 processes at load 17, 2026-12-06). Empty when the kernel has no
     * such file: then {@link #parents} is read.
     */
    static java.util.Optional<Set<Integer>> childrenFiles(HostPaths paths, int root) {
        if (!Files.exists(paths.pidFile(root, "task").resolve(Integer.toString(root)).resolve("children"))) {
            return java.util.Optional.empty();
        }
        Set<Integer> out = new LinkedHashSet<>();
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            int pid = todo.poll();
            for (int tid : threads(paths, pid)) {
                String text;
                try {
                    text = Files.readString(paths.pidFile(pid, "task").resolve(Integer.toString(tid)).resolve("children"));
                } catch (IOException e) {
                    continue; // the thread exited meanwhile
                }
                for (String c : text.strip().split("\\s+")) {
                    if (!c.isEmpty()) {
                        try {
                            int child = Integer.parseInt(c);
                            if (child != root && out.add(child)) {
                                todo.add(child);
                            }
                        } catch (NumberFormatException e) {
                            // not a pid: nothing to follow
                        }
                    }
                }
            }
        }
        return java.util.Optional.of(out);
    }

    /** Every process's parent, from /proc/PID/stat; processes that exit while it is read are left out. */
    static Map<Integer, Integer> parents(HostPaths paths) {
        Map<Integer, Integer> parent = new HashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(paths.procRoot())) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.isEmpty() || !n.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    ProcStat st = ProcStat.parse(Files.readString(p.resolve("stat"), java.nio.charset.StandardCharsets.ISO_8859_1));
                    parent.put(st.pid(), st.ppid());
                } catch (IOException | ProcParseException e) {
                    // gone between listing and reading, or not ours to read: not known as anyone's descendant
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + paths.procRoot() + " for the target's descendants", e);
        }
        return parent;
    }

    /** The pids below {@code root} in {@code parent} (pid to parent pid), breadth first; never {@code root} itself. */
    static Set<Integer> descendants(int root, Map<Integer, Integer> parent) {
        Map<Integer, List<Integer>> children = new HashMap<>();
        parent.forEach((pid, pp) -> children.computeIfAbsent(pp, k -> new ArrayList<>()).add(pid));
        Set<Integer> out = new LinkedHashSet<>();
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            for (int c : children.getOrDefault(todo.poll(), List.of())) {
                if (c != root && out.add(c)) {
                    todo.add(c);
                }
            }
        }
        return out;
    }

    private static List<Integer> threads(HostPaths paths, int pid) {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(paths.pidFile(pid, "task"))) {
            for (Path p : ds) {
                try {
                    out.add(Integer.parseInt(p.getFileName().toString()));
                } catch (NumberFormatException e) {
                    // not a thread's directory
                }
            }
        } catch (IOException e) {
            // the process exited meanwhile: no thread of it to read
        }
        return out;
    }

    /** A task's CPU time so far in ns: its schedstat's first field, else its stat's utime + stime; -1 when unreadable. */
    static long cpuNs(HostPaths paths, int tid) {
        Path task = paths.pidFile(tid, "task").resolve(Integer.toString(tid));
        try {
            return TaskSchedStat.parse(Files.readString(task.resolve("schedstat"))).runNs();
        } catch (NoSuchFileException e) {
            try {
                ProcStat st = ProcStat.parse(Files.readString(task.resolve("stat"), java.nio.charset.StandardCharsets.ISO_8859_1));
                return Files.exists(task) ? (st.utimeTicks() + st.stimeTicks()) * NS_PER_TICK : -1;
            } catch (IOException | ProcParseException again) {
                return -1;
            }
        } catch (IOException | ProcParseException e) {
            return -1;
        }
    }
}
