package io.boxscope.trace.live;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;

/**
 * What the kernel counters share: the maps, programs and links each one owns (closed in reverse order, so the
 * links detach before their programs and maps close), the kernel's count of their skipped runs, and, for the
 * sums by process or by cgroup, the {@link KeyedSums} that {@link #nextProcesses}, {@link #nextCgroups} and
 * {@link #nextLost} read. A subclass makes everything in its constructor through {@link #own} and
 * {@link #sums}, and calls {@link #close} when a step fails, so nothing made before the failure stays open.
 */
abstract sealed class KernelProbe implements KernelCounter permits CountProbe, CpuProbe, IoProbe {
    /** Everything made so far, in the order it was made. */
    final List<AutoCloseable> resources = new ArrayList<>();
    /** The sums by key; null when nothing is summed by process or cgroup (syscall counters by number). */
    private KeyedSums sums;

    /** Keeps {@code r} to be closed with the probe. */
    final <T extends AutoCloseable> T own(T r) {
        resources.add(r);
        return r;
    }

    /** Makes (and owns) this probe's sums by {@code by} ({@link CountProbe.By#PROCESS} or {@link CountProbe.By#CGROUP}). */
    final KeyedSums sums(String name, CountProbe.By by) {
        sums = own(new KeyedSums(name, by));
        return sums;
    }

    /** The processes whose sums grew since the previous call (empty unless summed by process). */
    @Override
    public final List<CountProbe.ProcessCount> nextProcesses() {
        return sums == null ? List.of() : sums.nextProcesses();
    }

    /** The cgroups whose sums grew since the previous call (empty unless summed by cgroup). */
    @Override
    public final List<CountProbe.CgroupCount> nextCgroups() {
        return sums == null ? List.of() : sums.nextCgroups();
    }

    /** What the full keyed map could not take since the previous call (0 when nothing is summed by key). */
    @Override
    public final long nextLost() {
        return sums == null ? 0 : sums.nextLost();
    }

    /** Runs of the programs the kernel skipped (recursion): what they would have counted is missing. */
    @Override
    public final long skipped() {
        return CaptureProbe.skippedRuns(resources);
    }

    /** Detaches first (links were created last), then programs, then maps. */
    @Override
    public final void close() {
        resources.reversed().forEach(CaptureProbe::closeQuietly);
        resources.clear();
    }

    /**
     * At {@code sys_exit} (R6 = the raw tracepoint's context, whose {@code args[0]} is the task's
     * {@code struct pt_regs *}): R8 and S_KEY = the system call's number, read from pt_regs at
     * {@code regsSyscallNr} ({@link io.boxscope.bpf.btf.PtRegs#syscallNr}).
     */
    static void exitSyscallNr(Asm a, int regsSyscallNr) {
        a.ldx(Size.DW, Reg.R3, Reg.R6, 0).add(Reg.R3, regsSyscallNr)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, CaptureProbe.S_KEY).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL)
                .ldx(Size.DW, Reg.R8, Reg.R10, CaptureProbe.S_KEY);
    }
}
