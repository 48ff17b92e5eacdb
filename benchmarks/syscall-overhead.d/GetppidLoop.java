import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A tight getppid(2) loop through libc (FFM downcall, no JNI): prints the best of 5 runs in
 * nanoseconds per call. Part of benchmarks/syscall-overhead; the JVM's own start-up is outside the
 * timed region.
 */
public class GetppidLoop {
    public static void main(String[] args) throws Throwable {
        long calls = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        Linker l = Linker.nativeLinker();
        MethodHandle getppid = l.downcallHandle(l.defaultLookup().find("getppid").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += (int) getppid.invokeExact();
        }
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < calls; i++) {
                sink += (int) getppid.invokeExact();
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) calls);
        }
        System.out.printf(java.util.Locale.ROOT, "%.1f%n", best);
        if (sink == 42) {
            System.err.println();
        }
    }
}
