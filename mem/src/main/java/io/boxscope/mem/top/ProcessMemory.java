package io.boxscope.mem.top;

import io.boxscope.mem.smaps.Rollup;
import io.boxscope.proc.container.ContainerRef;

/**
 * One process's memory as smem reports it, in kB: swap, USS, PSS, RSS (from smaps_rollup or summed
 * smaps). {@code uid} is the effective UID (the owner of /proc/PID, which is what smem shows);
 * {@code name} is argv[0]'s base name (comm when the command line is empty); {@code command} is the
 * command line with NULs as spaces, decoded as UTF-8; {@code container} is the container its cgroup
 * places it in ({@link ContainerRef#HOST} if none), read in the same pass as its memory.
 */
public record ProcessMemory(int pid, int uid, String name, String command, Rollup rollup, ContainerRef container) {
    /** A process on the host (no container). */
    public ProcessMemory(int pid, int uid, String name, String command, Rollup rollup) {
        this(pid, uid, name, command, rollup, ContainerRef.HOST);
    }

    public long swap() {
        return rollup.swap();
    }

    public long uss() {
        return rollup.uss();
    }

    public long pss() {
        return rollup.pss();
    }

    public long rss() {
        return rollup.rss();
    }
}
