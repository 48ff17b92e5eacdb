package io.boxscope.mem.cgroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import io.boxscope.mem.Units;
import io.boxscope.mem.top.MemTop;
import io.boxscope.mem.top.ProcessMemory;

/**
 * The cgroup's view of a container's memory next to its processes' view, and why they differ.
 *
 * <p>The cgroup charges pages to whoever first faulted them in: every anonymous page of its
 * processes, the page cache of files they read or wrote (even with no process mapping them any
 * more), tmpfs and shared memory, and kernel memory (slab, stacks, page tables, socket buffers).
 * A process's PSS counts only pages it maps, shares divided among mappers, wherever charged.
 *
 * @param processKb sums over the container's processes, in kB: Rss, Pss, USS, Anonymous, Swap, Pss_File
 * @param oomAlerts what the cgroup says of the OOM killer, one sentence each: processes it killed
 *     (v2 memory.events or v1 memory.oom_control {@code oom_kill}) and a v1 cgroup under OOM now;
 *     empty when there is nothing to tell
 */
public record ContainerMemoryReport(CgroupMemory cgroup, MemTop.Scan scan, Sums processKb, List<String> reasons,
        double workingSetShare, boolean nearOom, List<String> oomAlerts) {

    /** The processes' totals in kB. */
    public record Sums(long rss, long pss, long uss, long anonymous, long swap, long pssFile, long pssShmem) {}

    /**
     * The memory.stat lines that explain a container's memory, in the order shown: v1's totals
     * (cgroup-v1/memory.rst section 5.2) and v2's breakdown (cgroup-v2.rst, "memory.stat").
     */
    public static final List<String> V1_STAT_KEYS = List.of("cache", "rss", "rss_huge", "shmem", "mapped_file", "dirty",
            "writeback", "swap", "active_anon", "inactive_anon", "active_file", "inactive_file", "unevictable");
    public static final List<String> V2_STAT_KEYS = List.of("anon", "file", "kernel", "kernel_stack", "pagetables", "sock",
            "shmem", "file_mapped", "file_dirty", "file_writeback", "anon_thp", "slab", "active_anon", "inactive_anon",
            "active_file", "inactive_file", "unevictable");

    /** One memory.stat line as the kernel names it ({@code total_cache} in v1 when hierarchical), in bytes. */
    public record StatLine(String name, long bytes) {}

    /** The lines of {@link #V1_STAT_KEYS} or {@link #V2_STAT_KEYS} this cgroup has. */
    public List<StatLine> statLines() {
        CgroupMemory cg = cgroup;
        boolean v1 = cg.version() == CgroupMemory.Version.V1;
        List<StatLine> out = new ArrayList<>();
        for (String k : v1 ? V1_STAT_KEYS : V2_STAT_KEYS) {
            if (cg.hasStat(k)) {
                out.add(new StatLine(v1 && cg.stat().containsKey("total_" + k) ? "total_" + k : k, cg.stat(k)));
            }
        }
        return out;
    }

    /** Share of the limit above which the working set is reported as close to an OOM kill. */
    public static final double OOM_WARNING_SHARE = 0.90;

    public ContainerMemoryReport {
        reasons = List.copyOf(reasons);
        oomAlerts = List.copyOf(oomAlerts);
    }

    public static ContainerMemoryReport of(CgroupMemory cg, MemTop.Scan scan) {
        long rss = 0;
        long pss = 0;
        long uss = 0;
        long anon = 0;
        long swap = 0;
        long pssFile = 0;
        long pssShmem = 0;
        for (ProcessMemory p : scan.processes()) {
            rss += p.rss();
            pss += p.pss();
            uss += p.uss();
            anon += p.rollup().get("Anonymous");
            swap += p.swap();
            pssFile += p.rollup().get("Pss_File");
            pssShmem += p.rollup().get("Pss_Shmem");
        }
        Sums sums = new Sums(rss, pss, uss, anon, swap, pssFile, pssShmem);
        List<String> why = new ArrayList<>();
        long usage = cg.usage();
        long cgAnon = cg.anon();
        long cache = cg.pageCache();
        long shmem = cg.stat("shmem");
        long mapped = cg.version() == CgroupMemory.Version.V1 ? cg.stat("mapped_file") : cg.stat("file_mapped");
        String anonKey = cg.version() == CgroupMemory.Version.V1 ? "rss" : "anon";
        String cacheKey = cg.version() == CgroupMemory.Version.V1 ? "cache" : "file";
        long kernel;
        if (cg.version() == CgroupMemory.Version.V2 && cg.hasStat("kernel")) {
            kernel = cg.stat("kernel");
            why.add(String.format(Locale.ROOT, "usage %s = anon %s + file %s + kernel %s%s (memory.stat; the rest, %s, is percpu and other small charges)",
                    Units.bytes(usage), Units.bytes(cgAnon), Units.bytes(cache), Units.bytes(kernel),
                    cg.hasStat("sock") ? " (of which sock " + Units.bytes(cg.stat("sock")) + ")" : "",
                    Units.bytes(usage - cgAnon - cache - kernel)));
        } else {
            kernel = Math.max(0, usage - cgAnon - cache);
            why.add(String.format(Locale.ROOT, "usage %s = %s %s + %s %s + %s not in memory.stat: kernel memory (slab, stacks, page tables, socket buffers%s)",
                    Units.bytes(usage), anonKey, Units.bytes(cgAnon), cacheKey, Units.bytes(cache), Units.bytes(kernel),
                    cg.kernelUsage().isPresent() ? "; memory.kmem.usage_in_bytes says " + Units.bytes(cg.kernelUsage().getAsLong()) : ""));
        }
        long procAnon = anon * 1024;
        long diffAnon = cgAnon - procAnon;
        why.add(String.format(Locale.ROOT, "anonymous: the cgroup holds %s, its processes map %s (sum of Anonymous)%s",
                Units.bytes(cgAnon), Units.bytes(procAnon),
                Math.abs(diffAnon) <= Math.max(4L << 20, cgAnon / 20) ? ": they agree"
                        : diffAnon > 0 ? ": the extra " + Units.bytes(diffAnon) + " is anonymous memory charged here but no longer mapped by these processes (exited processes' pages still being freed, or shmem counted as anon)"
                        : ": the processes map " + Units.bytes(-diffAnon) + " more, charged to another cgroup (pages they inherited or share copy-on-write with a parent outside)"));
        why.add(String.format(Locale.ROOT, "page cache %s: %s mapped by processes (in their RSS/PSS), %s is files read or written and tmpfs that no process maps%s: in usage, in no PSS",
                Units.bytes(cache), Units.bytes(Math.min(mapped, cache)), Units.bytes(Math.max(0, cache - mapped)),
                shmem > 0 ? " (shmem/tmpfs " + Units.bytes(shmem) + ": not reclaimable without swap)" : ""));
        why.add(String.format(Locale.ROOT, "kernel memory %s is charged to the cgroup and never appears in any process's RSS, PSS or USS", Units.bytes(kernel)));
        why.add(String.format(Locale.ROOT, "the processes' PSS (%s) includes %s of file-backed pages (binaries, libraries, mapped files); "
                + "a page cached before this container read it stays charged to the cgroup that read it first",
                Units.kb(pss), Units.kb(pssFile)));
        long inactive = cg.inactiveFile();
        why.add(String.format(Locale.ROOT, "docker stats shows %s: usage %s minus %s %s", Units.bytes(cg.dockerStatsUsage()), Units.bytes(usage),
                cg.version() == CgroupMemory.Version.V1 ? "total_inactive_file" : "inactive_file", Units.bytes(inactive)));
        double share = cg.limit().isPresent() && cg.limit().getAsLong() > 0 ? (double) cg.workingSet() / cg.limit().getAsLong() : 0;
        return new ContainerMemoryReport(cg, scan, sums, why, share, share > OOM_WARNING_SHARE, oomAlerts(cg));
    }

    static List<String> oomAlerts(CgroupMemory cg) {
        List<String> out = new ArrayList<>();
        boolean v1 = cg.version() == CgroupMemory.Version.V1;
        long kills = cg.oomKills().orElse(0);
        if (kills > 0) {
            out.add(String.format(Locale.ROOT, "%d %s of this container %s killed by the OOM killer (%s oom_kill %d): "
                    + "the container reached its memory limit and the kernel could not reclaim enough",
                    kills, kills == 1 ? "process" : "processes", kills == 1 ? "was" : "were",
                    v1 ? "memory.oom_control" : "memory.events", kills));
        }
        if (cg.underOom()) {
            boolean waits = cg.oomControl().map(OomControl::killDisabled).orElse(false);
            out.add("the container is out of memory right now (memory.oom_control under_oom 1)"
                    + (waits ? ": oom_kill_disable is 1, so instead of being killed its processes wait, stopped, until memory is freed or the limit is raised"
                            : ": the OOM killer is choosing a process to kill"));
        }
        return out;
    }
}
