package io.boxscope.trace.scap;

import io.boxscope.trace.scap.Inspector.Fd;
import io.boxscope.trace.scap.Inspector.Thread;

import static io.boxscope.trace.scap.EventParams.num;
import static io.boxscope.trace.scap.EventParams.text;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How exit events change the thread table, the way libsinsp's parsers do (userspace/libsinsp/parsers.cpp):
 * clone/fork/vfork/clone3 make a thread (or complete one its own clone exit made first), execve renames it,
 * chdir/fchdir move its cwd, setuid and friends change its ids. {@link Inspector} owns the table (and its
 * last-found cache) and calls these once per such exit; they allocate only what the new state holds.
 */
final class ThreadRules {
    /** PPM_CL_CLONE_FILES and PPM_CL_CLONE_THREAD (driver/ppm_events_public.h). */
    static final int CLONE_FILES = 1;
    static final int CLONE_THREAD = 1 << 13;
    /** PPM_CL_CHILD_IN_PIDNS: the new thread is not in the caller's host pid namespace (driver/ppm_events_public.h). */
    static final long CHILD_IN_PIDNS = 1L << 29;

    private ThreadRules() {}

    /**
     * sinsp_thread_manager::increment_mainthread_childcount: a thread of its process (PPM_CL_CLONE_THREAD) adds a
     * reference on its main thread, found or made (get_thread_ref with query_os: a nameless entry in a capture).
     */
    private static void countChild(Thread t) {
        if (t.cloneThread) {
            ScapPaths.mainThread(t).nchilds++;
        }
    }

    /**
     * sinsp_thread_manager::create_child_dependencies, after the capture's process list is loaded (sinsp.cpp) and
     * again when a main thread with references was removed by force (recreate_child_dependencies): every count
     * from the table as it is.
     */
    static void countChildren(ThreadTable threads) {
        List<Thread> all = threads.values();
        for (Thread t : all) {
            t.nchilds = 0;
        }
        for (Thread t : all) {
            countChild(t);
        }
    }

    /**
     * The entry sinsp_thread_manager::get_thread_ref adds for a tid the table does not hold when it may query the
     * system (which a capture file cannot): nameless, its own process, no cwd, and as many references as the
     * table has threads whose pid is that tid. Its fd limit, vtid and vpid are unknown: -1 (sinsp_threadinfo::init).
     */
    static Thread fake(long tid, ThreadTable threads) {
        Thread t = new Thread(tid, tid, null, null, new LongMap<>(), threads);
        t.fdlimit = -1;
        t.vtid = -1;
        t.vpid = -1;
        ThreadSession.unknown(t);
        t.nchilds = threads.withPid(tid);
        threads.put(t);
        return t;
    }

    /** A nameless entry (sinsp's comm {@code <NA>} and uid 0xffffffff: parse_clone_exit's invalid parent). */
    private static boolean nameless(Thread t) {
        return t.comm == null && t.uid == -1;
    }

    /**
     * parse_clone_exit with an invalid caller (missing or {@link #nameless}): sinsp removes it, asks for it again
     * (a new {@link #fake}, without the old entry's fds and cwd) and gives it the comm, exe and args of the event
     * (its exepath the child's, still empty then).
     */
    private static Thread renewCaller(long tid, Thread old, ScapEvent e, String comm, ThreadTable threads) {
        if (old != null) {
            remove(old, true);
        }
        Thread caller = fake(tid, threads);
        caller.comm = comm;
        caller.exe = text(e, "exe");
        caller.exepath = "";
        if (e.value("args").orElse(null) instanceof ParamValue.Bytes a) {
            caller.args = List.copyOf(a.strings());
        }
        return caller;
    }

    /**
     * sinsp_thread_manager::remove_thread (threadinfo.cpp, libs e5c53d64): a thread other threads still reference
     * as their main thread stays (unless {@code force}: a clone exit reusing its tid), so a leader that called
     * pthread_exit keeps its cwd, exe, args and fd table for the threads that run on; a thread of its process
     * drops its reference on the main thread (looked up, not made). Returns whether {@code t} left the table.
     */
    static boolean remove(Thread t, boolean force) {
        int nchilds = t.nchilds;
        if (nchilds != 0 && !force) {
            return false;
        }
        if (t.cloneThread) {
            Thread main = t.table.get(t.pid);
            if (main != null && main.nchilds > 0) {
                main.nchilds--;
            }
        }
        t.table.remove(t.tid);
        if (nchilds != 0) {
            countChildren(t.table);
        }
        return true;
    }

    /**
     * parse_execve_exit: on success the new name (comm, else the basename of exe) and what {@link #execed}
     * keeps. The exit's cwd parameter is not read: parse_execve_exit (libs e5c53d64) skips param 6, so the
     * thread keeps the cwd its clone copied and chdir/fchdir changed, also where that differs from what the
     * kernel reported (a chdir the capture holds without its path).
     */
    static void execve(ScapEvent e, Thread t) {
        if (t != null && num(e, "res") == 0) {
            String comm = text(e, "comm");
            t.comm = comm != null ? comm : ScapPaths.basename(text(e, "exe"));
            execed(t, e);
            ThreadSession.execve(t, e);
            // parse_execve_exit sets the flags to PPM_CL_ACTIVE (keeping only the inverted, shell-pipe and
            // main-thread ones): after an execve the thread holds no reference on a main thread
            t.cloneThread = false;
        }
    }

    /** parse_setuid_exit and friends: the thread's effective id from the enter event, when it changed. */
    static void setId(ScapEvent e, EventInfo info, Thread t) {
        String param = switch (info.name()) {
            case "setuid" -> "uid";
            case "setresuid" -> "euid";
            case "setgid" -> "gid";
            default -> "egid";
        };
        if (t != null && t.lastEnter != null && t.lastEnter.type() == e.type() - 1 && num(e, "res") >= 0) {
            long id = num(t.lastEnter, param);
            if (id >= 0 && id < 0xffffffffL) {
                if (param.endsWith("uid")) {
                    t.uid = id;
                } else {
                    t.gid = id;
                }
            }
        }
    }

    /**
     * parse_chdir_exit and parse_getcwd_exit: on success the path parameter (both name it path), against the
     * cwd (set_cwd).
     */
    static void chdir(ScapEvent e, Thread t) {
        if (t != null && num(e, "res") >= 0 && e.value("path").orElse(null) instanceof ParamValue.Text p) {
            chdir(t, p.bytes());
        }
    }

    /** parse_fchdir_exit: on success the name of the enter event's fd ({@code eventFd}), when the tables hold it. */
    static void fchdir(ScapEvent e, Thread t, Fd eventFd) {
        if (t != null && num(e, "res") >= 0 && eventFd != null) {
            chdir(t, eventFd.name().getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * sinsp_threadinfo::set_cwd: the new directory {@link ScapPaths#concatenate}d to the process's cwd (an absolute
     * one replaces it), ending with {@code /}, stored on the process's main thread only (set_cwd writes through
     * get_main_thread(), libs e5c53d64 threadinfo.cpp), so every thread of the process reads it at once and the
     * caller's own entry keeps what it had (parse_execve_exit still resolves the executable's path against that).
     */
    private static void chdir(Thread t, byte[] path) {
        Thread main = ScapPaths.mainThread(t);
        String cwd = ScapPaths.concatenate(ScapPaths.cwdOf(main), path);
        main.cwd = cwd.endsWith("/") ? cwd : cwd + "/";
    }

    /** vm_size, vm_rss, vm_swap and fdlimit of a clone or execve exit (parse_clone_exit, parse_execve_exit). */
    private static void memory(Thread t, ScapEvent e) {
        if (num(e, "vm_size") != Long.MIN_VALUE) {
            t.vmsizeKb = num(e, "vm_size");
            t.vmrssKb = num(e, "vm_rss");
            t.vmswapKb = num(e, "vm_swap");
        }
        if (num(e, "fdlimit") != Long.MIN_VALUE) {
            t.fdlimit = num(e, "fdlimit");
        }
        if (num(e, "pgft_maj") != Long.MIN_VALUE) {
            t.pfMajor = num(e, "pgft_maj");
            t.pfMinor = num(e, "pgft_min");
        }
    }

    /**
     * sinsp_threadinfo::set_env (threadinfo.cpp, libs e5c53d64): the NUL-separated entries, ending at an empty
     * entry when only NULs follow it (the kernel's buffer may be padded); an empty entry with text after it stays.
     */
    static List<String> env(List<String> entries) {
        int n = entries.size();
        while (n > 0 && entries.get(n - 1).isEmpty()) {
            n--;
        }
        return List.copyOf(entries.subList(0, n));
    }

    /** parse_clone_exit copies the exe-writable flag from a valid caller, and its environment to a new process. */
    private static void inheritExe(Thread child, Thread caller, boolean sameProcess) {
        child.exeWritable = caller.exeWritable;
        if (!sameProcess) {
            child.env = caller.env;
        }
    }

    /** What parse_execve_exit keeps besides comm and cwd: argv, the pid, cgroups, the path the enter event executed. */
    private static void execed(Thread t, ScapEvent e) {
        memory(t, e);
        String exe = text(e, "exe");
        if (exe != null) {
            t.exe = exe;
        }
        if (e.value("args").orElse(null) instanceof ParamValue.Bytes a) {
            t.args = List.copyOf(a.strings());
        }
        long pid = num(e, "pid");
        if (pid != Long.MIN_VALUE) {
            t.table.setPid(t, pid);
        }
        if (t.ptid == -1 && num(e, "ptid") != Long.MIN_VALUE) {
            t.ptid = num(e, "ptid");
        }
        if (e.value("cgroups").orElse(null) instanceof ParamValue.Bytes c) {
            t.cgroups = List.copyOf(c.strings());
        }
        // parse_execve_exit: the environment (set_env of the env parameter) and, when the event has flags,
        // PPM_EXE_WRITABLE (1 << 0, ppm_events_public.h)
        if (e.value("env").orElse(null) instanceof ParamValue.Bytes env) {
            t.env = env(env.strings());
        }
        long execFlags = num(e, "flags");
        if (execFlags != Long.MIN_VALUE) {
            t.exeWritable = (execFlags & 1) != 0;
        }
        ScapEvent enter = t.lastEnter;
        if (enter != null && enter.type() == e.type() - 1 && e.info().map(i -> i.name().equals("execve")).orElse(false)) {
            String filename = text(enter, "filename");
            if (filename != null) {
                t.exepath = filename.startsWith("<NA>") ? "<NA>"
                        : ScapPaths.resolvePath(t.cwd == null ? "/" : t.cwd, filename);
            }
        }
    }

    /**
     * parse_clone_exit: the caller's side (res &gt; 0) makes the child, replacing any entry with its tid but
     * one the child's own exit made; the child's side (res 0) of a clone whose caller's side was not seen fills
     * in the nameless entry made for it (sinsp's PPM_CL_CLONE_INVERTED). Entries may leave the table (a reused
     * tid, an invalid caller), so the caller drops its cache.
     */
    static void clone(ScapEvent e, Thread parent, ThreadTable threads) {
        long res = num(e, "res");
        String comm = text(e, "comm");
        if (comm == null) {
            comm = ScapPaths.basename(text(e, "exe"));
        }
        long flags = num(e, "flags");
        boolean sameProcess = (flags & CLONE_THREAD) != 0;
        // parse_clone_exit: a clone in a pid namespace (the flag, or an event whose vtid is not its tid)
        long vtid = num(e, "vtid");
        long vpid = num(e, "vpid");
        boolean inContainer = (flags & CHILD_IN_PIDNS) != 0 || (vtid != Long.MIN_VALUE && vtid != e.tid());
        if (res > 0 && inContainer) {
            // the caller's side returns the child's id in the namespace, not its host tid: sysdig makes no entry
            // here (so res=N names no thread) and waits for the child's own exit
            return;
        }
        if (res == 0 && inContainer && parent != null && parent.comm != null) {
            // the child's side of a clone whose entry exists: it learns its ids inside the namespace
            parent.vtid = vtid;
            parent.vpid = vpid;
            return;
        }
        Thread before = res > 0 ? threads.get(res) : null;
        // parse_clone_exit: an entry the child's own clone exit made stays; any other entry with the child's
        // tid is a thread whose exit the capture missed, and the new thread replaces it
        if (res > 0 && (before == null || !before.inverted)) {
            if (before != null) {
                remove(before, true);
            }
            boolean validCaller = parent != null && !nameless(parent);
            if (!validCaller) {
                parent = renewCaller(e.tid(), parent, e, comm, threads);
            }
            // parse_clone_exit: a thread's pid is the event's pid parameter, a process's its own tid
            long pid = !sameProcess ? res : num(e, "pid") != Long.MIN_VALUE ? num(e, "pid") : parent.pid;
            // parse_clone_exit: a new process gets a copy of its parent's fds; a new thread uses the process's
            // table with CLONE_FILES (get_fd_table), else starts with an empty table of its own
            LongMap<Fd> fds;
            if (parent == null) {
                fds = new LongMap<>();
            } else if (!sameProcess) {
                fds = new LongMap<>(parent.fds);
            } else if ((flags & CLONE_FILES) != 0) {
                Thread main = threads.get(pid);
                fds = main != null ? main.fds : parent.fds;
            } else {
                fds = new LongMap<>();
            }
            // parse_clone_exit: a new process copies its parent's cwd (get_cwd: the parent's main thread's); a new
            // thread reads its main thread's, and keeps its parent's only for an execve's exepath
            String cwd = parent == null ? text(e, "cwd") : sameProcess ? parent.cwd : ScapPaths.mainThread(parent).cwd;
            Thread child = new Thread(res, pid, comm, cwd, fds, threads);
            child.ptid = e.tid(); // parse_clone_exit: the thread that called clone
            // parse_clone_exit copies the caller's exe, then takes the event's exe parameter over it
            child.exe = text(e, "exe") != null ? text(e, "exe") : parent != null ? parent.exe : null;
            child.exepath = parent != null ? parent.exepath : null;
            child.args = e.value("args").orElse(null) instanceof ParamValue.Bytes a ? List.copyOf(a.strings())
                    : parent != null ? parent.args : List.of();
            child.uid = num(e, "uid") != Long.MIN_VALUE ? num(e, "uid") : parent != null ? parent.uid : -1;
            child.gid = num(e, "gid") != Long.MIN_VALUE ? num(e, "gid") : parent != null ? parent.gid : -1;
            child.cgroups = e.value("cgroups").orElse(null) instanceof ParamValue.Bytes c ? List.copyOf(c.strings())
                    : parent != null ? parent.cgroups : List.of();
            child.cloneTs = e.ts();
            if (validCaller) {
                ThreadSession.inherit(child, parent);
                inheritExe(child, parent, sameProcess);
            } else {
                ThreadSession.fresh(child);
            }
            memory(child, e);
            child.cloneThread = sameProcess;
            threads.put(child);
            countChild(child); // add_thread
        } else if (res == 0 && parent != null && parent.comm == null) {
            // the child's side of a clone whose parent's side was not seen
            parent.inverted = true;
            parent.comm = comm;
            threads.setPid(parent, num(e, "pid"));
            // parse_clone_exit's inverted clone copies the cwd of the thread that called clone (pid for a
            // thread, ptid for a process), not the event's cwd parameter; an unlisted caller is a fake entry
            // without a cwd
            long callerTid = sameProcess ? num(e, "pid") : num(e, "ptid");
            Thread caller = threads.get(callerTid);
            boolean validCaller = caller != null && caller != parent && !nameless(caller);
            if (caller == null || (caller != parent && nameless(caller))) {
                caller = renewCaller(callerTid, caller, e, comm, threads);
            }
            if (validCaller) {
                ThreadSession.inherit(parent, caller);
                inheritExe(parent, caller, sameProcess);
            } else {
                ThreadSession.fresh(parent);
            }
            parent.cwd = caller != null && caller != parent ? ScapPaths.mainThread(caller).cwd : null;
            if (caller != null && caller != parent) {
                // and its fds as the parent's side would have (a process: a copy; a thread: shared with
                // CLONE_FILES): posix_spawn's child reads the pipes its parent made before it ran
                if (!sameProcess) {
                    parent.fds = new LongMap<>(caller.fds);
                } else if ((flags & CLONE_FILES) != 0) {
                    parent.fds = caller.fds;
                }
            }
            parent.exe = text(e, "exe");
            if (e.value("args").orElse(null) instanceof ParamValue.Bytes a) {
                parent.args = List.copyOf(a.strings());
            }
            parent.ptid = num(e, "ptid");
            // parse_clone_exit: in a namespace the ids the event gives, else the host's
            parent.vtid = inContainer ? vtid : parent.tid;
            parent.vpid = inContainer ? vpid : parent.pid;
            parent.cloneTs = e.ts();
            memory(parent, e);
            parent.cloneThread = sameProcess;
            countChild(parent); // add_thread of the entry parse_clone_exit builds
            if (e.value("cgroups").orElse(null) instanceof ParamValue.Bytes c) {
                parent.cgroups = List.copyOf(c.strings()); // parse_clone_exit takes the child's cgroups too
            }
            if (num(e, "uid") != Long.MIN_VALUE) {
                parent.uid = num(e, "uid");
                parent.gid = num(e, "gid");
            }
        }
    }
}
