import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What linking libc's syscall(2) through the FFM linker costs a fresh JVM, in the shape Boxscope's
 * io.boxscope.bpf.sys.Sys links it (seven longs, variadic after the first, errno captured) and in cheaper shapes, one
 * shape per JVM (benchmarks/downcall-link trains an AOT cache per shape and alternates them). Prints the wall and
 * this thread's CPU time (/proc/thread-self/schedstat, ns on the CPU) of three steps: the lookup
 * (Linker.nativeLinker, defaultLookup, find), the downcallHandle, and the first call (getppid(2)).
 *   cur    Boxscope's shape: (J)J + 6 variadic J, firstVariadicArg(1), captureCallState("errno")
 *   nocap  the same without captureCallState (no errno: Boxscope cannot use it)
 *   four   syscall(nr, a, b, c) only, errno captured (enough for bpf(2))
 *   crit   cur plus Linker.Option.critical(false)
 */
public final class DowncallLinkBench {
    private static long cpuNs() throws Exception {
        String s = Files.readString(Path.of("/proc/thread-self/schedstat"));
        return Long.parseLong(s.substring(0, s.indexOf(' ')));
    }

    public static void main(String[] args) throws Throwable {
        String shape = args[0];
        long nr = Long.parseLong(args[1]); // getppid's number on this architecture (the script knows it per machine)
        String label = args.length > 2 ? args[2] : shape; // the name printed (the script's variants of one shape)
        long t0 = System.nanoTime(), c0 = cpuNs();
        Linker linker = Linker.nativeLinker();
        MemorySegment syscall = linker.defaultLookup().find("syscall").orElseThrow();
        long t1 = System.nanoTime(), c1 = cpuNs();
        ValueLayout.OfLong j = ValueLayout.JAVA_LONG;
        Linker.Option errno = Linker.Option.captureCallState("errno");
        MethodHandle h = switch (shape) {
            case "cur" -> linker.downcallHandle(syscall, FunctionDescriptor.of(j, j, j, j, j, j, j, j),
                    Linker.Option.firstVariadicArg(1), errno);
            case "nocap" -> linker.downcallHandle(syscall, FunctionDescriptor.of(j, j, j, j, j, j, j, j),
                    Linker.Option.firstVariadicArg(1));
            case "four" -> linker.downcallHandle(syscall, FunctionDescriptor.of(j, j, j, j, j),
                    Linker.Option.firstVariadicArg(1), errno);
            case "crit" -> linker.downcallHandle(syscall, FunctionDescriptor.of(j, j, j, j, j, j, j, j),
                    Linker.Option.firstVariadicArg(1), errno, Linker.Option.critical(false));
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        };
        long t2 = System.nanoTime(), c2 = cpuNs();
        MemorySegment state = Arena.ofAuto().allocate(Linker.Option.captureStateLayout());
        long ppid = switch (shape) {
            case "cur", "crit" -> (long) h.invokeExact(state, nr, 0L, 0L, 0L, 0L, 0L, 0L);
            case "nocap" -> (long) h.invokeExact(nr, 0L, 0L, 0L, 0L, 0L, 0L);
            case "four" -> (long) h.invokeExact(state, nr, 0L, 0L, 0L);
            default -> throw new IllegalArgumentException(shape);
        };
        long t3 = System.nanoTime(), c3 = cpuNs();
        if (ppid != ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L)) {
            throw new IllegalStateException("getppid through the downcall returned " + ppid);
        }
        System.out.printf("shape=%s lookup_wall_us=%d lookup_cpu_us=%d link_wall_us=%d link_cpu_us=%d call_wall_us=%d call_cpu_us=%d%n",
                label, (t1 - t0) / 1000, (c1 - c0) / 1000, (t2 - t1) / 1000, (c2 - c1) / 1000, (t3 - t2) / 1000,
                (c3 - c2) / 1000);
    }
}
