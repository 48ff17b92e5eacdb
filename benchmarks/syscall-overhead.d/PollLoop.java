import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A tight poll(2) loop through libc (FFM downcall, no JNI): POLLIN on FDS (default 4) descriptors of /dev/null,
 * timeout 0 (every one is ready at once: /dev/null reads EOF). Prints the best of 5 runs in nanoseconds per call,
 * as GetppidLoop. poll's events carry the pollfd array (fds and events at the entry, revents at the exit), which
 * trace -w's probe copies from user memory at both ends: benchmarks/trace-capture
 * LOOP=benchmarks/syscall-overhead.d/PollLoop.java measures what that adds. {@code -Dfds=N} for another count.
 */
public class PollLoop {
    public static void main(String[] args) throws Throwable {
        long calls = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        int n = Integer.getInteger("fds", 4);
        Linker l = Linker.nativeLinker();
        var lookup = l.defaultLookup();
        MethodHandle open = l.downcallHandle(lookup.find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle poll = l.downcallHandle(lookup.find("poll").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        MemorySegment fds = Arena.global().allocate(8L * n, 8); // struct pollfd { int fd; short events, revents; }
        for (int i = 0; i < n; i++) {
            int fd = (int) open.invokeExact(Arena.global().allocateFrom("/dev/null"), 0);
            if (fd < 0) {
                throw new IllegalStateException("open /dev/null failed: " + fd);
            }
            fds.set(ValueLayout.JAVA_INT, 8L * i, fd);
            fds.set(ValueLayout.JAVA_SHORT, 8L * i + 4, (short) 1); // POLLIN
        }
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += (int) poll.invokeExact(fds, (long) n, 0);
        }
        if (sink != 200_000L * n) {
            throw new IllegalStateException("poll did not find every fd ready: " + sink);
        }
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < calls; i++) {
                sink += (int) poll.invokeExact(fds, (long) n, 0);
            }
            best = Math.min(best, (System.nanoTime() - t0) / (double) calls);
        }
        System.out.printf(java.util.Locale.ROOT, "%.1f%n", best);
        if (sink == 42) {
            System.err.println();
        }
    }
}
