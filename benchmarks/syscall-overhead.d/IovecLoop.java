import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A tight loop of writev(2) to /dev/null and readv(2) from /dev/zero, in turn, through libc (FFM downcall, no JNI),
 * each with 2 iovecs of 16 bytes: prints the best of 5 runs in nanoseconds per call (a writev and a readv are two
 * calls), as GetppidLoop. Their events carry the iovec lengths and data, which trace -w's probe copies from user
 * memory: benchmarks/trace-capture LOOP=benchmarks/syscall-overhead.d/IovecLoop.java measures what that adds.
 */
public class IovecLoop {
    public static void main(String[] args) throws Throwable {
        long calls = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        Linker l = Linker.nativeLinker();
        var lookup = l.defaultLookup();
        MethodHandle open = l.downcallHandle(lookup.find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        FunctionDescriptor vec = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT);
        MethodHandle writev = l.downcallHandle(lookup.find("writev").orElseThrow(), vec);
        MethodHandle readv = l.downcallHandle(lookup.find("readv").orElseThrow(), vec);
        int out = (int) open.invokeExact(Arena.global().allocateFrom("/dev/null"), 1); // O_WRONLY
        int in = (int) open.invokeExact(Arena.global().allocateFrom("/dev/zero"), 0);
        if (out < 0 || in < 0) {
            throw new IllegalStateException("open failed: " + out + " " + in);
        }
        MemorySegment data = Arena.global().allocate(32, 8);
        MemorySegment iov = Arena.global().allocate(32, 8); // struct iovec { void *base; size_t len; } x 2
        for (int i = 0; i < 2; i++) {
            iov.set(ValueLayout.ADDRESS, 16L * i, data.asSlice(16L * i));
            iov.set(ValueLayout.JAVA_LONG, 16L * i + 8, 16);
        }
        long sink = 0;
        for (int i = 0; i < 100_000; i++) {
            sink += (long) writev.invokeExact(out, iov, 2) + (long) readv.invokeExact(in, iov, 2);
        }
        if (sink != 100_000L * 64) {
            throw new IllegalStateException("writev/readv moved " + sink + " bytes");
        }
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < calls / 2; i++) {
                sink += (long) writev.invokeExact(out, iov, 2) + (long) readv.invokeExact(in, iov, 2);
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) (calls / 2 * 2));
        }
        System.out.printf(java.util.Locale.ROOT, "%.1f%n", best);
        if (sink == 42) {
            System.err.println();
        }
    }
}
