import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A tight lseek(2) loop through libc (FFM downcall, no JNI) on a file opened read-only (/etc/hostname, or the path
 * given second), offset 0, SEEK_SET: prints the
 * best of 5 runs in nanoseconds per call, as GetppidLoop. lseek is one of the calls sysdig's driver records with an
 * event of its own (fd, offset, whence), so under {@code trace -w} it takes a full ring record with arguments
 * instead of a generic one: benchmarks/trace-capture LOOP=... measures what that adds.
 */
public class LseekLoop {
    public static void main(String[] args) throws Throwable {
        long calls = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        Linker l = Linker.nativeLinker();
        var lookup = l.defaultLookup();
        MethodHandle open = l.downcallHandle(lookup.find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle lseek = l.downcallHandle(lookup.find("lseek").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        int fd;
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            fd = (int) open.invokeExact(arena.allocateFrom(args.length > 1 ? args[1] : "/etc/hostname"), 0);
        }
        if (fd < 0) {
            throw new IllegalStateException("open failed: " + fd);
        }
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += (long) lseek.invokeExact(fd, 0L, 0);
        }
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < calls; i++) {
                sink += (long) lseek.invokeExact(fd, 0L, 0);
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) calls);
        }
        System.out.printf(java.util.Locale.ROOT, "%.1f%n", best);
        if (sink == 42) {
            System.err.println();
        }
    }
}
