package io.boxscope.bpf.link;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.sys.Fd;

/**
 * Closing links fast. Releasing a perf event on a tracepoint costs the kernel an RCU grace period, taken
 * under {@code event_mutex} (kernel/trace/trace_event_perf.c: {@code perf_trace_event_unreg} calls
 * {@code tracepoint_synchronize_unregister}), so the ~360 events of {@code tracepoint:syscalls:sys_enter_*}
 * take ~20 s to close one by one, in parallel or at process exit alike: that is why bpftrace takes ~20 s
 * to exit there. Detaching the program from each event costs another grace period
 * ({@code perf_event_detach_bpf_prog} waits for tasks-trace RCU). So when there are many, the links and their
 * events are handed to a short-lived helper ({@code /bin/sh} started with posix_spawn(3), inheriting them):
 * this process closes its copies (cheap: not the last reference), then closes a pipe the helper waits on, and
 * the helper exits, which releases them in the kernel on the helper's time (as long as bpftrace's exit takes).
 * Callers that own the programs should make them inert first (the probe runtime sets a stop flag every
 * program checks first). Anything failing on the way falls back to closing here, slowly but surely.
 */
final class PerfEventRelease {
    /** Below this many perf events, closing them here is quick enough. */
    static final int HAND_OFF_AT = 16;

    private static final Linker L = Linker.nativeLinker();
    private static final int F_SETFD = 2, O_WRONLY = 1, O_CLOEXEC = 0x80000;

    private PerfEventRelease() {}

    /**
     * Closes the leaf links' descriptors, each link's in reverse order (the BPF link before its perf event). With
     * many perf events, all of them and their links go to the helper first, so this process's closes are cheap.
     */
    static void closeAll(List<Link> leaves) {
        List<Fd> all = new ArrayList<>();
        int perf = 0;
        for (Link l : leaves) {
            for (int i = l.fds().size() - 1; i >= 0; i--) {
                Fd fd = l.fds().get(i);
                if (!fd.isClosed()) {
                    all.add(fd);
                    perf += isPerfEvent(fd) ? 1 : 0;
                }
            }
        }
        if (perf >= HAND_OFF_AT) {
            handOff(all);
        }
        List<RuntimeException> errors = new ArrayList<>();
        for (Fd fd : all) {
            try {
                fd.close();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) {
            throw errors.getFirst();
        }
    }

    private static boolean isPerfEvent(Fd fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd", Integer.toString(fd.value()))).toString()
                    .equals("anon_inode:[perf_event]");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Starts the helper holding {@code perf}'s events; on success the caller's closes are cheap. Returns
     * without effect when anything fails (the caller then closes them the slow way).
     */
    private static void handOff(List<Fd> perf) {
        // perf: every descriptor to hand over (links and perf events)
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pipe = a.allocate(ValueLayout.JAVA_INT, 2);
            if ((int) Native.PIPE2.invokeExact(pipe, O_CLOEXEC) != 0) {
                return;
            }
            int readEnd = pipe.getAtIndex(ValueLayout.JAVA_INT, 0);
            int writeEnd = pipe.getAtIndex(ValueLayout.JAVA_INT, 1);
            int pid = -1;
            try {
                for (Fd fd : perf) {
                    int unused = (int) Native.FCNTL.invokeExact(fd.value(), F_SETFD, 0); // inherited by the helper
                }
                MemorySegment actions = a.allocate(256, 16); // glibc's posix_spawn_file_actions_t is 80 bytes
                if ((int) Native.FA_INIT.invokeExact(actions) != 0) {
                    return;
                }
                try {
                    MemorySegment devNull = a.allocateFrom("/dev/null");
                    int r = (int) Native.FA_DUP2.invokeExact(actions, readEnd, 0);
                    r |= (int) Native.FA_OPEN.invokeExact(actions, 1, devNull, O_WRONLY, 0);
                    r |= (int) Native.FA_OPEN.invokeExact(actions, 2, devNull, O_WRONLY, 0);
                    if (r != 0) {
                        return;
                    }
                    MemorySegment sh = a.allocateFrom("/bin/sh");
                    MemorySegment argv = a.allocate(ValueLayout.ADDRESS, 4);
                    argv.setAtIndex(ValueLayout.ADDRESS, 0, a.allocateFrom("sh"));
                    argv.setAtIndex(ValueLayout.ADDRESS, 1, a.allocateFrom("-c"));
                    argv.setAtIndex(ValueLayout.ADDRESS, 2, a.allocateFrom("read _; exit 0"));
                    argv.setAtIndex(ValueLayout.ADDRESS, 3, MemorySegment.NULL);
                    MemorySegment envp = a.allocate(ValueLayout.ADDRESS, 1);
                    MemorySegment pidOut = a.allocate(ValueLayout.JAVA_INT);
                    if ((int) Native.SPAWN.invokeExact(pidOut, sh, actions, MemorySegment.NULL, argv, envp) != 0) {
                        return;
                    }
                    pid = pidOut.get(ValueLayout.JAVA_INT, 0);
                } finally {
                    int unused = (int) Native.FA_DESTROY.invokeExact(actions);
                }
            } finally {
                closeRaw(readEnd);
                if (pid > 0) {
                    // the helper holds the events now: drop ours (cheap), then let it go
                    perf.forEach(Fd::close);
                }
                closeRaw(writeEnd);
                if (pid > 0) {
                    reap(pid);
                }
            }
        } catch (Throwable t) {
            // fall back to closing here
        }
    }

    private static void closeRaw(int fd) throws Throwable {
        int unused = (int) Native.CLOSE.invokeExact(fd);
    }

    /** Waits for the helper in a daemon thread, so it does not stay a zombie while this process lives on. */
    private static void reap(int pid) {
        Thread t = new Thread(() -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment status = a.allocate(ValueLayout.JAVA_INT);
                int unused = (int) Native.WAITPID.invokeExact(pid, status, 0);
            } catch (Throwable e) {
                // nothing to do: init reaps it when this process exits
            }
        }, "boxscope-perf-release");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The libc functions of the hand-off, linked when a hand-off first happens: creating a downcall handle costs a
     * cold JVM milliseconds each, and most runs (a few probes) never hand off.
     */
    private static final class Native {
        private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
        private static final ValueLayout P = ValueLayout.ADDRESS;
        private static final MethodHandle PIPE2 = fn("pipe2", FunctionDescriptor.of(I, P, I));
        private static final MethodHandle FCNTL = fn("fcntl", FunctionDescriptor.of(I, I, I, I), Linker.Option.firstVariadicArg(2));
        private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(I, I));
        private static final MethodHandle FA_INIT = fn("posix_spawn_file_actions_init", FunctionDescriptor.of(I, P));
        private static final MethodHandle FA_DESTROY = fn("posix_spawn_file_actions_destroy", FunctionDescriptor.of(I, P));
        private static final MethodHandle FA_DUP2 = fn("posix_spawn_file_actions_adddup2", FunctionDescriptor.of(I, P, I, I));
        private static final MethodHandle FA_OPEN = fn("posix_spawn_file_actions_addopen", FunctionDescriptor.of(I, P, I, P, I, I));
        private static final MethodHandle SPAWN = fn("posix_spawn", FunctionDescriptor.of(I, P, P, P, P, P, P));
        private static final MethodHandle WAITPID = fn("waitpid", FunctionDescriptor.of(I, I, P, I));

        private static MethodHandle fn(String name, FunctionDescriptor d, Linker.Option... o) {
            return L.downcallHandle(L.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), d, o);
        }
    }
}
