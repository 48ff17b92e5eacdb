package io.boxscope.probe.runtime;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code strerror(errno)} as bpftrace prints it: the C library's own strerror(3) text ("No such file or
 * directory", "Unknown error 200", "Success" for 0), called through the FFM linker so the words are those of the
 * machine's libc, as bpftrace (a C++ program) gets them.
 */
final class StrError {
    private static final MethodHandle STRERROR = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private StrError() {}

    /** The libc text of error number {@code n}. */
    static synchronized String describe(int n) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(n);
            return s.reinterpret(1024).getString(0);
        } catch (Throwable e) {
            throw new IllegalStateException("strerror(" + n + ") failed", e);
        }
    }
}
