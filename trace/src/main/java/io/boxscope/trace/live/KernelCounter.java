package io.boxscope.trace.live;

import java.util.List;

/**
 * The kernel side of a table chisel counted in the kernel ({@link KernelChisel}): programs that add to per-CPU
 * maps, read every interval as growth since the previous read. {@link CountProbe} counts system calls (by
 * number, or failed exits by process or cgroup), {@link CpuProbe} sums on-CPU time and {@link IoProbe} bytes of
 * file or network I/O, by process or cgroup; what they share is {@link KernelProbe}.
 */
public sealed interface KernelCounter extends AutoCloseable permits KernelProbe {
    /** The syscall-number slots whose counters grew since the previous call (empty for sums by key only). */
    default List<CountProbe.Counts> next() {
        return List.of();
    }

    /** The processes whose sums grew since the previous call (empty unless counted by process). */
    List<CountProbe.ProcessCount> nextProcesses();

    /** The cgroups whose sums grew since the previous call (empty unless counted by cgroup). */
    List<CountProbe.CgroupCount> nextCgroups();

    /** What could not be keyed since the previous call because the map was full (in the value's unit). */
    long nextLost();

    /** Runs of the programs the kernel skipped (recursion): what they would have counted is missing. */
    long skipped();

    /** Detaches, then closes programs and maps. */
    @Override
    void close();
}
