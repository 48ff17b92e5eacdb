package io.boxscope.bench.fileio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls fileio makes, through FFM, so the requests are the very syscalls sysbench
 * makes (open(2) with O_DIRECT/O_SYNC/O_DSYNC, pread(2), pwrite(2), fsync(2), fdatasync(2)) with no
 * copies or locks in between. errno is captured right after each call (Linker.Option.captureCallState).
 */
final class Posix {
    /**
     * Why fileio cannot run in this JVM, or null: an architecture {@link OpenFlags} does not know, or a JDK without
     * an FFM native linker for it. Kept rather than thrown from the class's initialisation, so the user gets this
     * one-line message from {@link #requireSupported()} instead of an ExceptionInInitializerError's trace.
     */
    private static final UnsupportedOperationException UNSUPPORTED;
    /** The running architecture's open(2) flags: O_DIRECT and O_NOFOLLOW differ on arm64 and powerpc. */
    private static final OpenFlags FLAGS;
    private static final Linker LINKER;
    private static final StructLayout STATE;

    static {
        OpenFlags flags = null;
        Linker linker = null;
        StructLayout state = null;
        UnsupportedOperationException unsupported = null;
        try {
            flags = OpenFlags.current();
            linker = Linker.nativeLinker();
            state = Linker.Option.captureStateLayout();
        } catch (UnsupportedOperationException e) {
            unsupported = flags == null ? e : new UnsupportedOperationException("bench fileio cannot call open(2), pread(2)"
                    + " and pwrite(2): this JDK has no FFM native linker for architecture '" + System.getProperty("os.arch")
                    + "' (" + e.getMessage() + "); run it with a JDK 25 built for x86_64, aarch64, riscv64, loongarch64,"
                    + " s390x or ppc64le", e);
            linker = null;
            state = null;
        }
        UNSUPPORTED = unsupported;
        FLAGS = flags;
        LINKER = linker;
        STATE = state;
    }

    static final int O_RDONLY = OpenFlags.O_RDONLY;
    static final int O_WRONLY = OpenFlags.O_WRONLY;
    static final int O_RDWR = OpenFlags.O_RDWR;
    static final int O_CREAT = OpenFlags.O_CREAT;
    static final int O_EXCL = OpenFlags.O_EXCL;
    static final int O_DSYNC = OpenFlags.O_DSYNC;
    static final int O_DIRECT = FLAGS == null ? 0 : FLAGS.direct();
    static final int O_SYNC = OpenFlags.O_SYNC;
    static final int O_CLOEXEC = OpenFlags.O_CLOEXEC;
    static final int O_NOFOLLOW = FLAGS == null ? 0 : FLAGS.noFollow();

    private static final SymbolLookup LIBC = LINKER == null ? null : LINKER.defaultLookup();
    private static final VarHandle ERRNO = STATE == null ? null
            : STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = LINKER == null ? null : Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle PREAD = handle("pread", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final MethodHandle PWRITE = handle("pwrite", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final MethodHandle FSYNC = handle("fsync", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle FDATASYNC = handle("fdatasync", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR = LINKER == null ? null : LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    /**
     * Throws the one-line reason fileio cannot run here (the architecture's open(2) flags are unknown, or the JDK
     * cannot call libc); prepare and run call it before touching a file.
     */
    static void requireSupported() {
        if (UNSUPPORTED != null) {
            throw new UnsupportedOperationException(UNSUPPORTED.getMessage(), UNSUPPORTED);
        }
    }

    private Posix() {}

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        if (LINKER == null) {
            return null;
        }
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), fd, CAPTURE);
    }

    /** Per-thread scratch for errno. */
    static MemorySegment state(Arena arena) {
        return arena.allocate(STATE);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    static int open(String path, int flags, int mode) throws IOException {
        requireSupported();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = state(a);
            int fd = (int) OPEN.invokeExact(st, a.allocateFrom(path), flags | O_CLOEXEC, mode);
            if (fd < 0) {
                int e = errno(st);
                throw new PosixException("cannot open " + path + ": " + strerror(e), e);
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("open " + path + ": " + t, t);
        }
    }

    static void close(int fd) {
        try {
            int r = (int) CLOSE.invokeExact(scratch(), fd);
        } catch (Throwable t) {
            // closing is best effort; the benchmark figures are already taken
        }
    }

    private static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(() -> state(Arena.global()));

    static MemorySegment scratch() {
        return SCRATCH.get();
    }

    static long pread(MemorySegment st, int fd, MemorySegment buf, long count, long offset) throws Throwable {
        return (long) PREAD.invokeExact(st, fd, buf, count, offset);
    }

    static long pwrite(MemorySegment st, int fd, MemorySegment buf, long count, long offset) throws Throwable {
        return (long) PWRITE.invokeExact(st, fd, buf, count, offset);
    }

    static int fsync(MemorySegment st, int fd, boolean dataOnly) throws Throwable {
        return dataOnly ? (int) FDATASYNC.invokeExact(st, fd) : (int) FSYNC.invokeExact(st, fd);
    }

    /** An I/O error with its errno. */
    static final class PosixException extends IOException {
        private static final long serialVersionUID = 1L;
        final int errno;

        PosixException(String message, int errno) {
            super(message);
            this.errno = errno;
        }
    }
}
