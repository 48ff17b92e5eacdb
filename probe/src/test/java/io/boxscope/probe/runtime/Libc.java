package io.boxscope.probe.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** System calls a test makes itself, from its own thread, so a probe can filter on {@code tid} exactly. */
final class Libc {
    private static final Linker L = Linker.nativeLinker();
    private static final MethodHandle GETPPID = L.downcallHandle(L.defaultLookup().find("getppid").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle GETTID = L.downcallHandle(L.defaultLookup().find("gettid").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle OPEN = L.downcallHandle(L.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle READ = L.downcallHandle(L.defaultLookup().find("read").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle CLOSE = L.downcallHandle(L.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private Libc() {}

    static int gettid() throws Throwable {
        return (int) GETTID.invokeExact();
    }

    static void getppid(int times) throws Throwable {
        for (int i = 0; i < times; i++) {
            int unused = (int) GETPPID.invokeExact();
        }
    }

    /** {@code times} one-byte read(2) calls on /dev/zero. */
    static void readZero(int times) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(a.allocateFrom("/dev/zero"), 0);
            if (fd < 0) {
                throw new IllegalStateException("open /dev/zero failed");
            }
            MemorySegment buf = a.allocate(8);
            for (int i = 0; i < times; i++) {
                long n = (long) READ.invokeExact(fd, buf, 1L);
                if (n != 1) {
                    throw new IllegalStateException("read returned " + n);
                }
            }
            int unused = (int) CLOSE.invokeExact(fd);
        }
    }

    /** {@code times} open(2) (openat(2) in glibc) and close(2) calls on {@code path}, which must exist. */
    static void openClose(String path, int times) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocateFrom(path);
            for (int i = 0; i < times; i++) {
                int fd = (int) OPEN.invokeExact(p, 0);
                if (fd < 0) {
                    throw new IllegalStateException("open " + path + " failed");
                }
                int unused = (int) CLOSE.invokeExact(fd);
            }
        }
    }
}
