package io.boxscope.mem.top;

import io.boxscope.mem.smaps.Rollup;

/**
 * One process's memory as smem reports it, in kB: swap, USS, PSS, RSS (from smaps_rollup or summed
 * smaps). {@code uid} is the effective UID (the owner of /proc/PID, which is what smem shows);
 * {@code name} is argv[0]'s base name (comm when the command line is empty); {@code command} is the command line with NULs as spaces, decoded as UTF-8.
 */
public record ProcessMemory(int pid, int uid, String name, String command, Rollup rollup) {
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
