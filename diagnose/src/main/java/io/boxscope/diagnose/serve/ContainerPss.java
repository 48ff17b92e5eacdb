package io.boxscope.diagnose.serve;

import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.smaps.Rollup;
import io.boxscope.proc.NoSuchProcessException;
import io.boxscope.proc.container.ContainerInfo;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PSS and USS of each container's processes for {@code boxscope serve}: the sum of their
 * {@code /proc/PID/smaps_rollup} (Linux 4.14+; summed smaps before), as smem and
 * {@code boxscope mem container} count them. PSS shares each shared page among the processes that
 * map it, so the sums over containers add up to the host's memory; a cgroup's usage counts a page
 * only in the cgroup it was first charged to.
 *
 * <p>smaps_rollup makes the kernel walk the process's page tables (fs/proc/task_mmu.c), the one read
 * of serve whose cost grows with the memory measured, so a container's sums are remembered for
 * {@code maxAgeNanos} (a minute by default: PSS moves slowly) instead of being read on every
 * scrape. A process that exits between discovery and the read is left out; one that cannot be
 * read (denied) is counted as a problem, never silently.
 */
final class ContainerPss {
    /** Sums in kB over {@code processes} processes read. */
    record Sum(long pssKb, long ussKb, int processes) {}

    private record Entry(long at, Sum sum) {}

    private final ProcMemReader reader;
    private final long maxAgeNanos;
    private final Map<String, Entry> cache = new HashMap<>();

    ContainerPss(ProcMemReader reader, long maxAgeNanos) {
        this.reader = reader;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** The container's sums, read now or remembered; empty if none of its processes could be read. */
    Optional<Sum> of(ContainerInfo c, long now, List<String> problems) {
        Entry e = cache.get(c.ref().id());
        if (e != null && now - e.at() < maxAgeNanos) {
            return Optional.of(e.sum());
        }
        long pss = 0;
        long uss = 0;
        int read = 0;
        for (int pid : c.pids()) {
            Rollup r;
            try {
                r = reader.rollupOrSum(pid);
            } catch (NoSuchFileException | NoSuchProcessException e2) {
                continue; // exited since discovery
            } catch (IOException e2) {
                problems.add(c.displayName() + ": cannot read the memory of process " + pid + ": " + e2.getMessage());
                continue;
            }
            pss += r.pss();
            uss += r.uss();
            read++;
        }
        if (read == 0) {
            cache.remove(c.ref().id());
            return Optional.empty();
        }
        Sum s = new Sum(pss, uss, read);
        cache.put(c.ref().id(), new Entry(now, s));
        return Optional.of(s);
    }

    /** Forgets containers not in {@code live}, so the cache holds only what discovery still sees. */
    void retain(java.util.Set<String> live) {
        cache.keySet().retainAll(live);
    }
}
