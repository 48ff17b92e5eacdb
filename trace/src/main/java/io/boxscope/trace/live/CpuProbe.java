package io.boxscope.trace.live;

import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.Features;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.AttachTargets;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.trace.filter.KernelFilter;

/**
 * On-CPU time per process or per cgroup, summed in the kernel: topprocs_cpu and topcontainers_cpu on a live
 * capture ({@link KernelChisel}). sysdig's chisels sum {@code thread.cpu} of the driver's procinfo events (the
 * growth of a thread's utime + stime, in clock ticks, emitted at most once a second per thread); the live
 * capture has no such events, so the time is measured where the scheduler switches tasks instead.
 *
 * <p>Each CPU keeps the time its current task's accounting started (a per-CPU array). The {@code sched_switch}
 * tracepoint fires in {@code __schedule()} before {@code context_switch()}, so {@code current} is still the task
 * leaving the CPU (kernel/sched/core.c): the program adds now − start to that task's key (tgid and comm, or v2
 * cgroup id, {@link KeyedSums}) and sets start = now. A task that keeps its CPU for seconds would be charged only
 * when it finally leaves it, so a {@code cpu-clock} perf software event on every CPU runs the same program every
 * {@link #TICK_NS} ns ({@code current} is then the interrupted task): no interval's time reaches the map more
 * than one tick late. The idle task (pid 0), the tracer itself and what the filter's pid, tid and cgroup sets
 * exclude are not summed, but their time still ends at the switch. The first event on a CPU only starts its
 * clock. Both programs run with interrupts off on their CPU (the switch holds the runqueue lock, the tick is
 * a timer interrupt), so they never interleave on one CPU's slot.
 *
 * <p>The switch is attached as a raw tracepoint, or as tp_btf where raw tracepoints do not attach
 * ({@link Features#attach}); without perf software events only the switches charge time ({@link #ticks()}).
 */
public final class CpuProbe extends KernelProbe {
    /** How often the clock tick charges the running task: 10 ms. */
    public static final long TICK_NS = 10_000_000L;
    private static final int S_CPUKEY = -144;

    private final boolean ticks;
    private final String switchAttach;

    /**
     * @param filter  the kernel part of the user's filter: its pid, tid and cgroup sets are checked
     * @param selfPid the tracer's own process, never summed
     * @param by      {@link CountProbe.By#PROCESS} or {@link CountProbe.By#CGROUP}
     */
    public CpuProbe(KernelFilter filter, long selfPid, CountProbe.By by) {
        try {
            BpfMap start = own(BpfMap.create(MapSpec.of("trace_cpu_start", MapType.PERCPU_ARRAY, 4, 8, 1)));
            KeyedSums sums = sums("trace_cpu", by);
            CaptureProbe.Maps m = CaptureProbe.Maps.withSets(null, null, null, null, null, filter, resources);
            List<Insn> insns = program(selfPid, m, start, sums);
            Support raw = Features.attach(AttachKind.RAW_TRACEPOINT);
            if (raw.isSupported() || !Features.attach(AttachKind.TP_BTF).isSupported()) {
                Program p = own(Program.load(ProgramSpec.of("trace_cpu_sw", ProgramType.RAW_TRACEPOINT, insns)));
                own(Attach.rawTracepoint(p, "sched_switch"));
                switchAttach = "raw tracepoint sched_switch";
            } else {
                Program p = own(Program.load(ProgramSpec.tpBtf("trace_cpu_sw", insns, AttachTargets.rawTracepoint("sched_switch"))));
                own(Attach.tracing(p));
                switchAttach = "tp_btf sched_switch";
            }
            if (Features.attach(AttachKind.PERF_EVENT_SOFTWARE).isSupported()) {
                Program tick = own(Program.load(ProgramSpec.of("trace_cpu_tick", ProgramType.PERF_EVENT, insns)));
                own(Attach.perfEventEveryCpu(tick, Attach.SoftwareEvent.CPU_CLOCK, Attach.Sampling.period(TICK_NS), 0));
                ticks = true;
            } else {
                ticks = false;
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Whether the per-CPU clock tick is attached (else only task switches charge time). */
    public boolean ticks() {
        return ticks;
    }

    /** How the switch program is attached: what {@code -v} says. */
    public String describe() {
        return switchAttach + (ticks ? ", and a cpu-clock perf event every " + TICK_NS / 1_000_000 + " ms on every CPU"
                : " (no perf software events: time is charged at task switches only)");
    }

    /**
     * The one program, for the switch and the tick: charges now − start to the current task, restarts the
     * CPU's clock.
     */
    static List<Insn> program(long selfPid, CaptureProbe.Maps m, BpfMap start, KeyedSums sums) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        a.mov(Reg.R6, Reg.R1).call(Helper.KTIME_GET_NS).mov(Reg.R9, Reg.R0)
                .st(Size.W, Reg.R10, S_CPUKEY, 0)
                .ldMapFd(Reg.R1, start.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_CPUKEY)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out)
                .ldx(Size.DW, Reg.R8, Reg.R0, 0).stx(Size.DW, Reg.R0, 0, Reg.R9)
                .jmp(JmpOp.JEQ, Reg.R8, 0, out)      // this CPU's clock starts now
                .jmp(JmpOp.JLE, Reg.R9, Reg.R8, out) // never a negative time
                .sub(Reg.R9, Reg.R8)
                .mov(Reg.R1, Reg.R6);
        CaptureProbe.prologue(a, selfPid, m, out, true); // R7 = pid_tgid of the current task
        a.jmp(JmpOp.JEQ, Reg.R7, 0, out);               // the idle task
        sums.emitKey(a);
        sums.emitAdd(a, Reg.R9, out);
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }
}
