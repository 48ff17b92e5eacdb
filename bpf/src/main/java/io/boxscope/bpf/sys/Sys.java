package io.boxscope.bpf.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.Errno;

/**
 * Raw Linux system calls through libc's {@code syscall(2)} with the Foreign Function &amp; Memory API:
 * no JNI, no native library of our own. errno is captured by the linker
 * ({@link Linker.Option#captureCallState}) right after the call, before the JVM can clobber it.
 */
@SuppressWarnings("restricted") // the one downcall of the module; callers need --enable-native-access
public final class Sys {
    /**
     * The running architecture, looked up on the first system call rather than when the class loads: on an
     * architecture {@link Arch} does not know, the caller gets {@link Arch#current()}'s one-line
     * UnsupportedOperationException instead of an ExceptionInInitializerError.
     */
    public static Arch arch() {
        Arch a = arch;
        if (a == null) {
            a = Arch.current();
            arch = a;
        }
        return a;
    }

    private static volatile Arch arch;
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    /**
     * The downcall to libc's syscall(2), linked when the first call is made. Where it cannot be (an architecture
     * {@link Arch} does not know, or a JDK without an FFM native linker for this platform) the reason is kept and
     * thrown by every call as a one-line UnsupportedOperationException, instead of failing the class's
     * initialisation with an error trace.
     */
    private static final class Native {
        static final MethodHandle SYSCALL;
        static final UnsupportedOperationException MISSING;

        static {
            MethodHandle h = null;
            UnsupportedOperationException missing = null;
            try {
                Arch.current();
                Linker linker = Linker.nativeLinker();
                h = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_LONG),
                        Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
            } catch (UnsupportedOperationException e) {
                missing = e;
            }
            SYSCALL = h;
            MISSING = missing;
        }

        private Native() {}
    }

    private static final ThreadLocal<MemorySegment> STATE_BUF =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STATE));

    // bpf(2) commands (include/uapi/linux/bpf.h, enum bpf_cmd).
    public static final int BPF_MAP_CREATE = 0;
    public static final int BPF_MAP_LOOKUP_ELEM = 1;
    public static final int BPF_MAP_UPDATE_ELEM = 2;
    public static final int BPF_MAP_DELETE_ELEM = 3;
    public static final int BPF_MAP_GET_NEXT_KEY = 4;
    public static final int BPF_PROG_LOAD = 5;
    public static final int BPF_PROG_TEST_RUN = 10;
    public static final int BPF_OBJ_GET_INFO_BY_FD = 15;
    public static final int BPF_RAW_TRACEPOINT_OPEN = 17;
    /** bpf(2) since 4.20 for queues and stacks, 5.14 for hash, per-CPU hash and LRU hash maps. */
    public static final int BPF_MAP_LOOKUP_AND_DELETE_ELEM = 21;
    public static final int BPF_MAP_LOOKUP_BATCH = 24;
    public static final int BPF_MAP_LOOKUP_AND_DELETE_BATCH = 25;
    public static final int BPF_LINK_CREATE = 28;

    /** Result of a raw call: the return value, or -1 with the errno. */
    public record Result(long value, int errno) {
        public boolean failed() {
            return value == -1 && errno != 0;
        }
    }

    private Sys() {}

    /** syscall(nr, a..e); never throws for a kernel error, see {@link Result}. */
    public static Result raw(long nr, long a, long b, long c, long d, long e) {
        return raw(nr, a, b, c, d, e, 0);
    }

    /** syscall(nr, ...) throwing {@link BpfException} (with {@code operation} as context) on failure. */
    public static long call(String operation, long nr, long a, long b, long c, long d, long e) {
        Result r = raw(nr, a, b, c, d, e);
        if (r.failed()) {
            throw BpfException.of(operation, r.errno());
        }
        return r.value();
    }

    /** bpf(cmd, attr, size); retries EAGAIN a few times as libbpf does for PROG_LOAD. */
    public static Result bpfRaw(int cmd, MemorySegment attr) {
        Result r = null;
        for (int i = 0; i < 5; i++) {
            r = raw(arch().bpf, cmd, attr.address(), attr.byteSize(), 0, 0);
            if (!r.failed() || r.errno() != 11) {
                return r;
            }
        }
        return r;
    }

    public static long bpf(String operation, int cmd, MemorySegment attr) {
        Result r = bpfRaw(cmd, attr);
        if (r.failed()) {
            throw BpfException.of(operation, r.errno());
        }
        return r.value();
    }

    /** perf_event_open(attr, pid, cpu, group_fd, flags) → fd. */
    public static Result perfEventOpen(MemorySegment attr, int pid, int cpu, int groupFd, long flags) {
        return raw(arch().perfEventOpen, attr.address(), pid, cpu, groupFd, flags);
    }

    public static long ioctl(String operation, int fd, long request, long arg) {
        return call(operation, arch().ioctl, fd, request, arg, 0, 0);
    }

    /** A terminal's size in character cells, as the kernel's struct winsize holds it (tty_ioctl(4)). */
    public record WindowSize(int columns, int rows) {}

    /**
     * The size of the terminal on {@code fd}, from ioctl(fd, TIOCGWINSZ) ({@link Arch#tiocgwinsz()}), or empty when
     * the call fails (ENOTTY: {@code fd} is a file or a pipe; EBADF: it is closed). struct winsize is four unsigned
     * shorts, ws_row, ws_col, ws_xpixel, ws_ypixel (include/uapi/asm-generic/termios.h, the same on every
     * architecture), in the host's byte order. A terminal nobody sized (a pty a program opened without setting one)
     * answers 0 columns and 0 rows.
     */
    public static java.util.Optional<WindowSize> windowSize(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ws = arena.allocate(8, 2);
            Result r = raw(arch().ioctl, fd, arch().tiocgwinsz(), ws.address(), 0, 0);
            if (r.failed()) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new WindowSize(Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 2)),
                    Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 0))));
        }
    }

    /** mmap(NULL, len, prot, MAP_SHARED, fd, off) → address. */
    public static long mmapShared(String operation, int fd, long len, int prot, long offset) {
        Result r = raw(arch().mmap, 0, len, prot, 0x01 /* MAP_SHARED */, fd, offset);
        if (r.failed()) {
            throw BpfException.of(operation, r.errno());
        }
        return r.value();
    }

    /** syscall(nr, a..f): the six-argument form (mmap). */
    public static Result raw(long nr, long a, long b, long c, long d, long e, long f) {
        if (Native.MISSING != null) {
            String why = Native.MISSING.getMessage();
            throw new UnsupportedOperationException(why != null && why.startsWith("architecture") ? why
                    : "system calls are not available on " + System.getProperty("os.arch", "") + ": " + why
                    + " (Boxscope makes them through the JDK's FFM native linker)", Native.MISSING);
        }
        MemorySegment st = STATE_BUF.get();
        try {
            long r = (long) Native.SYSCALL.invokeExact(st, nr, a, b, c, d, e, f);
            return new Result(r, r == -1 ? (int) ERRNO.get(st, 0L) : 0);
        } catch (Throwable t) {
            throw new IllegalStateException("syscall(" + nr + ") downcall failed: " + t, t);
        }
    }

    public static void munmap(long addr, long len) {
        raw(arch().munmap, addr, len, 0, 0, 0);
    }

    public static void close(int fd) {
        raw(arch().close, fd, 0, 0, 0, 0);
    }

    /**
     * Links the downcall and makes one call through it ({@link SyscallLink} runs this on its own thread); where
     * the downcall cannot be linked it does nothing: the first real call reports why, to a caller that can say it.
     */
    static void link() {
        if (Native.MISSING == null) {
            getpid();
        }
    }

    public static int gettid() {
        return (int) raw(arch().gettid, 0, 0, 0, 0, 0).value();
    }

    /**
     * Sets signal {@code sig}'s disposition to SIG_DFL with rt_sigaction(2), through the one syscall(2) downcall
     * every command links anyway. libc's signal(3) would need a second downcall shape, whose linking spins ~17
     * classes (LambdaForms, a DowncallStub, the FFM linker's pattern switches) that no AOT cache of JDK 25 holds:
     * 40-70 ms of CPU at start-up (docs/benchmarks.md, "Classes spun at run time"). The new action is all zeros
     * (handler SIG_DFL = 0, no flags, no restorer, empty mask), so the kernel's struct sigaction's field order
     * (include/uapi/asm-generic/signal.h and each architecture's asm/signal.h) does not matter, only that the
     * 64 zeroed bytes cover it (32 bytes at most on the 64-bit architectures of {@link Arch}); sigsetsize is
     * 8, _NSIG / 8 on all of them.
     *
     * @throws BpfException with the errno when the kernel refuses (EINVAL for SIGKILL, SIGSTOP or a bad number)
     */
    public static void resetSignalToDefault(int sig) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment act = arena.allocate(64, 8);
            Result r = raw(arch().rtSigaction, sig, act.address(), 0, 8, 0);
            if (r.value() == -1) {
                throw new BpfException("rt_sigaction(" + sig + ", SIG_DFL)", r.errno(), null);
            }
        }
    }

    public static int getpid() {
        return (int) raw(arch().getpid, 0, 0, 0, 0, 0).value();
    }

    /** openat(AT_FDCWD, path, flags) → fd; for cgroup directories and tests that count openat calls. */
    public static Result openat(MemorySegment cPath, int flags) {
        return raw(arch().openat, -100 /* AT_FDCWD */, cPath.address(), flags | 02000000 /* O_CLOEXEC */, 0, 0);
    }

    /**
     * The kernel's page size (4096 on x86_64, 4 KiB to 64 KiB on arm64), from this process's auxiliary
     * vector (AT_PAGESZ): the ring buffer's layout and page counts (oomkill) depend on it.
     *
     * @throws BpfException /proc/self/auxv cannot be read or has no AT_PAGESZ
     */
    public static long pageSize() {
        // getpagesize(2) is not a syscall on x86_64; sysconf needs libc. The auxv is the ground truth.
        try {
            byte[] auxv = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/auxv"));
            MemorySegment m = MemorySegment.ofArray(auxv);
            for (long o = 0; o + 16 <= auxv.length; o += 16) {
                if (m.get(ValueLayout.JAVA_LONG_UNALIGNED, o) == 6 /* AT_PAGESZ */) {
                    return m.get(ValueLayout.JAVA_LONG_UNALIGNED, o + 8);
                }
            }
        } catch (java.io.IOException e) {
            throw new BpfException("read the page size from /proc/self/auxv", Errno.ENOENT.number(),
                    e.getMessage() + ": is /proc mounted?");
        }
        throw new BpfException("read the page size from /proc/self/auxv", Errno.ENOENT.number(),
                "no AT_PAGESZ entry");
    }
}
