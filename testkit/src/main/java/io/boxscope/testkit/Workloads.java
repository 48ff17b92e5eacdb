package io.boxscope.testkit;

import java.io.IOException;

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
}
