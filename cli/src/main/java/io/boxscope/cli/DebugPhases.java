package io.boxscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Start-up phases on standard error when BOXSCOPE_DEBUG is set ({@code probe} and the BCC-class tools): the
 * milliseconds each step took since the previous one, to see where the time to "Attaching N probes..." or a
 * tool's "Tracing..." line goes; and the CPU time this thread spent in it (user and kernel, from
 * /proc/thread-self/schedstat, see proc(5) and Documentation/scheduler/sched-stats.rst), the steadier figure on a
 * loaded machine, where wall time is mostly waiting for a CPU. Kernel work done for the thread (the verifier,
 * attaching) counts; the JIT's threads do not. The first line is the process's age when {@code main} began
 * (the launcher and the JVM's start) and the CPU time of all its threads by then, both to the kernel's clock
 * tick; the second the command line's parsing and the command's set-up.
 * Without BOXSCOPE_DEBUG every method returns at once and nothing is read.
 */
public final class DebugPhases {
    /** When {@link Main#main} began (nanoTime, this thread's CPU, process CPU; process age in ms): set only with BOXSCOPE_DEBUG. */
    private static long mainNs, mainCpuNs = -1, mainAgeMs = -1, mainProcessCpuMs = -1;

    /** Called first in {@link Main#main}: with BOXSCOPE_DEBUG, the JVM's start is told apart from the command's set-up. */
    static void mainStarted() {
        if (System.getenv("BOXSCOPE_DEBUG") != null) {
            mainAgeMs = ageMs();
            mainProcessCpuMs = ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
            mainNs = System.nanoTime();
            mainCpuNs = threadCpuNs();
        }
    }

    private final PrintWriter err;
    private long last = System.nanoTime();
    private long lastCpu;

    /** Phases printed to {@code err} when BOXSCOPE_DEBUG is set; otherwise a no-op. */
    public DebugPhases(PrintWriter err) {
        this.err = System.getenv("BOXSCOPE_DEBUG") != null ? err : null;
        lastCpu = this.err != null ? threadCpuNs() : 0;
        if (this.err != null) {
            if (mainAgeMs >= 0) {
                print("process start to main (launcher, JVM start) in " + mainAgeMs + " ms (" + mainProcessCpuMs
                        + " ms CPU, all threads; this thread " + mainCpuNs / 1_000_000 + " ms)");
                print("main to command (command line parsed, command set up) in " + (last - mainNs) / 1_000_000 + " ms ("
                        + (lastCpu - mainCpuNs) / 1_000_000 + " ms CPU)");
            }
        }
    }

    /** Whether phases are printed (BOXSCOPE_DEBUG is set). */
    public boolean enabled() {
        return err != null;
    }

    /** One line: {@code phase} took the time since the previous mark (or since this object was made). */
    public void mark(String phase) {
        if (err != null) {
            long now = System.nanoTime();
            long cpu = threadCpuNs();
            print(phase + " in " + (now - last) / 1_000_000 + " ms"
                    + (cpu >= 0 && lastCpu >= 0 ? " (" + (cpu - lastCpu) / 1_000_000 + " ms CPU)" : ""));
            last = System.nanoTime();
            lastCpu = threadCpuNs();
        }
    }

    /**
     * {@link #mark}, then the CPU time of all the process's threads so far (the JIT's compiler threads, background
     * scans): for the step a start-up is timed to (the header printed).
     */
    public void markWithProcess(String phase) {
        if (err != null) {
            mark(phase);
            ProcessHandle.current().info().totalCpuDuration().ifPresent(d -> print("process CPU so far, all threads: "
                    + d.toMillis() + " ms" + threads()));
        }
    }

    /**
     * The threads that ran 5 ms or more so far, by name (/proc/self/task/TID/comm and schedstat): the JIT's
     * compiler threads, the background container scan and downcall linking next to the command's own thread.
     */
    private static String threads() {
        StringBuilder sb = new StringBuilder();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("schedstat"));
                    long ns = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
                    if (ns >= 5_000_000) {
                        sb.append(sb.isEmpty() ? "; " : ", ").append(Files.readString(t.resolve("comm")).strip())
                                .append(' ').append(ns / 1_000_000).append(" ms");
                    }
                } catch (IOException | RuntimeException e) {
                    // a thread that ended meanwhile
                }
            }
        } catch (IOException e) {
            return "";
        }
        return sb.toString();
    }

    private void print(String line) {
        err.println("boxscope: debug: " + line);
        err.flush();
    }

    /**
     * This process's age in milliseconds, to the clock tick: /proc/uptime minus the start time in /proc/self/stat
     * (field 22, clock ticks of USER_HZ, 100 wherever Java runs on Linux, since boot; proc(5)), both counted from boot. Not ProcessHandle's start instant,
     * which adds the boot time of /proc/stat's btime, whole seconds, and so is off by up to a second. -1 when
     * unreadable. The process started as the launcher script, which then became the JVM (exec).
     */
    private static long ageMs() {
        try {
            String uptime = Files.readString(Path.of("/proc/uptime"));
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(f[19]);
            return (long) (Double.parseDouble(uptime.substring(0, uptime.indexOf(' '))) * 1000) - startTicks * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Nanoseconds this thread ran on a CPU (schedstat's first field), or -1 where the kernel has no schedstat. */
    private static long threadCpuNs() {
        try {
            String s = Files.readString(Path.of("/proc/thread-self/schedstat"));
            int sp = s.indexOf(' ');
            return Long.parseLong(sp < 0 ? s.strip() : s.substring(0, sp));
        } catch (IOException | RuntimeException e) {
            return -1; // a debug figure only: the phase's wall time is still printed
        }
    }
}
