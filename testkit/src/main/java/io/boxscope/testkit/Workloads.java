package io.boxscope.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Child processes a test starts to have something of its own to watch (filtered by its pid, so other engineers'
 * processes on the machine do not count). The caller ends them ({@code destroyForcibly().waitFor()} in a finally).
 */
public final class Workloads {
    private Workloads() {}

    /**
     * The stack tools' workload: a Python process that reads /dev/zero a MiB at a time for 60 s (time in the kernel
     * on a CPU: on-CPU kernel stacks) and sleeps a millisecond between reads (kernel stacks off a CPU), so profile,
     * offcputime and diagnose's stack collectors all find kernel frames of it.
     */
    public static final String READ_ZERO_AND_SLEEP = """
            import os, time
            f = os.open("/dev/zero", os.O_RDONLY)
            end = time.time() + 60
            while time.time() < end:
                os.read(f, 1 << 20)
                time.sleep(0.001)
            """;

    /** Starts {@link #READ_ZERO_AND_SLEEP} ({@code python3 -c}). */
    public static Process readZeroAndSleep() throws IOException {
        return new ProcessBuilder("python3", "-c", READ_ZERO_AND_SLEEP).start();
    }

    /**
     * Two {@code dd if=/dev/zero of=/dev/null bs=1M} pinned to one CPU the test may use ({@code taskset -c}, which
     * execs dd: the pid is dd's), the first one to watch. Each spends nearly all its time inside read(2) of /dev/zero,
     * and neither ever sleeps, so the two take turns on the CPU by preemption, nearly always inside the kernel:
     * through {@code preempt_schedule_irq} on a kernel whose preemption model preempts kernel code (full, lazy, rt),
     * and through {@code cond_resched}, which /dev/zero's read calls between pages when a reschedule is due
     * (drivers/char/mem.c, {@code read_zero}/{@code read_iter_zero}), on one that does not (none, voluntary). Either way
     * the switch is {@code __schedule(SM_PREEMPT)}; a preemption at the return to user space is the rest.
     */
    public static List<Process> preemptedInTheKernel() throws IOException {
        String cpu = firstAllowedCpu();
        List<Process> out = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                out.add(new ProcessBuilder("taskset", "-c", cpu, "dd", "if=/dev/zero", "of=/dev/null", "bs=1M")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start());
            }
        } catch (IOException | RuntimeException e) {
            for (Process p : out) {
                p.destroyForcibly();
            }
            throw e;
        }
        return out;
    }

    /** The first CPU of this process's {@code Cpus_allowed_list} (proc(5)): one the test's children may run on. */
    public static String firstAllowedCpu() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("Cpus_allowed_list:")) {
                return l.substring(l.indexOf(':') + 1).strip().split("[,-]")[0];
            }
        }
        throw new IOException("no Cpus_allowed_list in /proc/self/status");
    }

    /**
     * {@code voluntary_ctxt_switches} and {@code nonvoluntary_ctxt_switches} of /proc/PID/status (proc(5); the kernel's
     * {@code nvcsw}, {@code nivcsw}: kernel/sched/core.c, {@code __schedule}, counts a switch as voluntary only when
     * the task leaves the CPU to block, not preempted).
     */
    public static long[] contextSwitches(long pid) throws IOException {
        long[] out = {-1, -1};
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (l.startsWith("voluntary_ctxt_switches:")) {
                out[0] = Long.parseLong(l.substring(l.indexOf(':') + 1).strip());
            } else if (l.startsWith("nonvoluntary_ctxt_switches:")) {
                out[1] = Long.parseLong(l.substring(l.indexOf(':') + 1).strip());
            }
        }
        if (out[0] < 0 || out[1] < 0) {
            throw new IOException("no context switch counts in /proc/" + pid + "/status");
        }
        return out;
    }

    /**
     * The running kernel's preemption model, for a test's messages: the one in parentheses of
     * /sys/kernel/debug/sched/preempt (PREEMPT_DYNAMIC kernels with debugfs mounted), else {@code preempt=} of
     * /proc/cmdline on a PREEMPT_DYNAMIC kernel, else the CONFIG_PREEMPT* choice of /proc/config.gz, else what
     * {@code uname -v} says (/proc/sys/kernel/version), else "unknown".
     */
    public static String preemptionModel() {
        try {
            String d = Files.readString(Path.of("/sys/kernel/debug/sched/preempt"));
            int a = d.indexOf('(');
            int b = d.indexOf(')');
            if (a >= 0 && b > a) {
                return d.substring(a + 1, b) + " (debugfs)";
            }
        } catch (IOException | RuntimeException e) {
            // not mounted or not dynamic: the next source
        }
        String version = "";
        try {
            version = Files.readString(Path.of("/proc/sys/kernel/version")).strip();
        } catch (IOException e) {
            // unknown
        }
        if (version.contains("PREEMPT_DYNAMIC")) {
            try {
                for (String w : Files.readString(Path.of("/proc/cmdline")).split("\\s+")) {
                    if (w.startsWith("preempt=")) {
                        return w.substring(8) + " (/proc/cmdline)";
                    }
                }
            } catch (IOException e) {
                // the next source
            }
        }
        try (var in = new GZIPInputStream(Files.newInputStream(Path.of("/proc/config.gz")))) {
            String config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String[] m : new String[][] {{"CONFIG_PREEMPT_RT=y", "rt"}, {"CONFIG_PREEMPT_LAZY=y", "lazy"},
                    {"CONFIG_PREEMPT=y", "full"}, {"CONFIG_PREEMPT_VOLUNTARY=y", "voluntary"}, {"CONFIG_PREEMPT_NONE=y", "none"}}) {
                if (config.lines().anyMatch(m[0]::equals)) {
                    return m[1] + " (/proc/config.gz" + (version.contains("PREEMPT_DYNAMIC") ? ", the dynamic default)" : ")");
                }
            }
        } catch (IOException e) {
            // the next source
        }
        return version.isEmpty() ? "unknown" : "unknown (uname -v: " + version + ")";
    }
}
