package io.boxscope.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The demo's workloads: each is a POSIX shell script (it runs under busybox's sh in the test image
 * and under the host's /bin/sh in a cgroup of its own) plus the limits that make it what it is.
 * {@code $D} is a scratch directory the script may write to.
 */
enum DemoWorkload {
    SLOW_APP("the lab's slow app: a little CPU work, a 10 kB file append, then a random 0.1-0.5 s sleep", 0.5, 128, false,
            "while :; do i=0; while [ $i -lt 300 ]; do i=$((i+1)); done; "
                    + "dd if=/dev/zero of=\"$D/out\" bs=10000 count=1 oflag=append conv=notrunc 2>/dev/null; "
                    + "sleep $(awk 'BEGIN { srand(); printf \"%.3f\", 0.1 + rand() * 0.4 }'); done"),
    THROTTLED("a busy loop under a 0.5 CPU limit", 0.5, 128, false, "while :; do :; done"),
    CPU_BOUND("two busy loops sharing one CPU (no limit)", 0, 0, true, "while :; do :; done & while :; do :; done"),
    MEMORY_BOUND("a process that keeps 125 MB under a 128 MiB limit (and starts again when OOM-killed)", 0, 128, false,
            "while :; do tail -c 125000000 /dev/zero >/dev/null; done"),
    IO_BOUND("a loop of 1 MiB direct writes over a 64 MiB file, each pass ended by fsync", 0, 0, false,
            "while :; do dd if=/dev/zero of=\"$D/f\" bs=1M count=64 oflag=direct conv=notrunc,fsync 2>/dev/null; done"),
    IDLE("a process that sleeps", 0, 0, false, "sleep 100000");

    final String description;
    /** CPU limit in CPUs, 0 for none. */
    final double cpus;
    /** Memory limit in MiB (swap included), 0 for none. */
    final long memoryMiB;
    /** Pin to CPU 0. */
    final boolean cpu0;
    final String script;

    DemoWorkload(String description, double cpus, long memoryMiB, boolean cpu0, String script) {
        this.description = description;
        this.cpus = cpus;
        this.memoryMiB = memoryMiB;
        this.cpu0 = cpu0;
        this.script = script;
    }

    /** The docker run flags for these limits. */
    List<String> dockerFlags() {
        List<String> f = new ArrayList<>();
        if (cpus > 0) {
            f.add("--cpus=" + cpus);
        }
        if (memoryMiB > 0) {
            f.add("--memory=" + memoryMiB + "m");
            f.add("--memory-swap=" + memoryMiB + "m");
        }
        if (cpu0) {
            f.add("--cpuset-cpus=0");
        }
        return f;
    }
}
