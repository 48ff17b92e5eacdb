package io.boxscope.cli.diagnose;

import java.io.IOException;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.bpf.syscalls.SyscallTable;
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
     * effort like {@link #current()}: where system calls cannot be made (an architecture without a syscall table, a
     * JDK without an FFM native linker for it) it changes none (-1), and diagnose goes on to the reason it cannot run
     * there, if any, instead of failing here. The call is setpriority(2) made through bpf's one syscall(2) downcall
     * ({@link Sys#raw}), already linked by the time the window starts, not a downcall of its own: linking a second
     * one spun its stub and ~20 method-handle classes at run time, which C1 then compiled (~20-30 ms of CPU in each
     * diagnose that a busy target pays for, issue 15; docs/benchmarks.md, "diagnose: classes spun at run time").
     * The kernel's setpriority takes the nice value itself (kernel/sys.c), as glibc's wrapper passes it.
     */
    static int renice(int nice) throws IOException {
        int nr;
        try {
            nr = SyscallTable.current().number("setpriority");
        } catch (UnsupportedOperationException e) {
            return -1;
        }
        if (nr < 0) {
            return -1;
        }
        int failed = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                Sys.Result rc;
                try {
                    rc = Sys.raw(nr, PRIO_PROCESS, Integer.parseInt(t.getFileName().toString()), nice, 0, 0);
                } catch (UnsupportedOperationException e) {
                    return -1;
                }
                if (rc.failed() || rc.value() != 0) {
                    failed++;
                }
            }
        }
        return failed;
    }

    /**
     * The calling thread's nice value, -20..19: field 19 of {@code /proc/thread-self/stat} (proc(5); the kernel's
     * {@code task_nice}, the value getpriority(2) answers through glibc); 0 when it cannot be read. Read from /proc
     * rather than through an FFM downcall to getpriority: linking a downcall spins its stub and method-handle
     * classes at run time (~20-30 ms of CPU in a diagnose that a busy target pays for, issue 15).
     */
    static int current() {
        try {
            // ISO-8859-1: every byte a char, so a command name that is not UTF-8 cannot fail the read
            return niceOf(new String(Files.readAllBytes(Path.of("/proc/thread-self/stat")), java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The nice value (field 19) of a {@code /proc/PID/stat} line. The command name (field 2) is in parentheses and
     * may hold spaces and parentheses itself, so the fields are counted from its last ')'.
     */
    static int niceOf(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc stat line: no ')' after the command name");
        }
        String[] fields = stat.substring(close + 1).strip().split(" ");
        // fields[0] is field 3 (state): field 19 is fields[16]
        if (fields.length < 17) {
            throw new IllegalArgumentException("not a /proc stat line: " + (fields.length + 2) + " fields, field 19 (nice) missing");
        }
        return Integer.parseInt(fields[16]);
    }
}
