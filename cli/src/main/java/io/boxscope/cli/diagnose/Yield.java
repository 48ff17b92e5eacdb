package io.boxscope.cli.diagnose;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.lang.foreign.ValueLayout;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lowers the priority of this JVM's threads, so that diagnose yields the CPU to the target it watches
 * when both want it (issue 15: diagnose may cost its target at most 3 % of its throughput; on a
 * machine whose CPUs are all busy, diagnose's JVM otherwise takes its fair share from the target).
 * On Linux a nice value belongs to a thread, and {@code setpriority(PRIO_PROCESS, 0, n)} changes only
 * the caller's (setpriority(2), "BUGS"/NOTES on threads): every thread listed in /proc/self/task is
 * reniced, and threads started later inherit their creator's value.
 */
final class Yield {
    private static final int PRIO_PROCESS = 0;

    private Yield() {}

    /**
     * Sets the nice value of every thread of this process to {@code nice}; returns the threads that
     * could not be changed (they exited meanwhile, or no CAP_SYS_NICE to go below the current value). Best
     * effort like {@link #current()}: a JDK without an FFM native linker for this architecture changes none
     * (-1), and diagnose goes on to the reason it cannot run there, if any, instead of failing here.
     */
    @SuppressWarnings("restricted")
    static int renice(int nice) throws IOException {
        Linker linker;
        try {
            linker = Linker.nativeLinker();
        } catch (UnsupportedOperationException e) {
            return -1;
        }
        MethodHandle setpriority = linker.downcallHandle(linker.defaultLookup().find("setpriority").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        int failed = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    int rc = (int) setpriority.invokeExact(PRIO_PROCESS, Integer.parseInt(t.getFileName().toString()), nice);
                    if (rc != 0) {
                        failed++;
                    }
                } catch (Throwable e) {
                    failed++;
                }
            }
        }
        return failed;
    }

    /**
     * The calling thread's nice value (getpriority(2); glibc returns the nice value itself, -20..19,
     * and -1 is also a valid one: the error case is not told apart, a failure reads as -1).
     */
    @SuppressWarnings("restricted")
    static int current() {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle getpriority = linker.downcallHandle(linker.defaultLookup().find("getpriority").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return (int) getpriority.invokeExact(PRIO_PROCESS, 0);
        } catch (Throwable e) {
            return 0;
        }
    }
}
