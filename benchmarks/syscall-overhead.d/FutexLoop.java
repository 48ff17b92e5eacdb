import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A tight futex(2) loop through libc's syscall(3) (FFM downcall, no JNI): FUTEX_WAKE_PRIVATE of one waiter on a word
 * nobody waits on, which returns 0 at once (futex(2): the number of waiters woken). Prints the best of 5 runs in
 * nanoseconds per call, as GetppidLoop. futex has an event of its own in sysdig's driver (addr, op, val) and a
 * DirectLayouts layout, the most frequent call of a busy JVM or Go program: benchmarks/trace-capture
 * LOOP=benchmarks/syscall-overhead.d/FutexLoop.java measures what trace -w adds to it.
 */
public class FutexLoop {
    /** futex(2)'s FUTEX_WAKE | FUTEX_PRIVATE_FLAG (include/uapi/linux/futex.h). */
    private static final int FUTEX_WAKE_PRIVATE = 1 | 128;

    public static void main(String[] args) throws Throwable {
        long calls = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        long nr = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> 202;
            case "s390x" -> 238;
            case "ppc64le" -> 221;
            default -> 98; // asm-generic: aarch64, riscv64, loongarch64
        };
        Linker l = Linker.nativeLinker();
        MethodHandle syscall = l.downcallHandle(l.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(1));
        MemorySegment word = Arena.global().allocate(ValueLayout.JAVA_INT);
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += (long) syscall.invokeExact(nr, word, FUTEX_WAKE_PRIVATE, 1);
        }
        if (sink != 0) {
            throw new IllegalStateException("futex wake returned " + sink);
        }
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < calls; i++) {
                sink += (long) syscall.invokeExact(nr, word, FUTEX_WAKE_PRIVATE, 1);
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) calls);
        }
        System.out.printf(java.util.Locale.ROOT, "%.1f%n", best);
        if (sink == 42) {
            System.err.println();
        }
    }
}
