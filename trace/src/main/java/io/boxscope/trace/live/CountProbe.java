package io.boxscope.trace.live;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.CounterDeltas;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.trace.filter.KernelFilter;

/**
 * The kernel side of a table chisel counted in the kernel ({@link KernelChisel}): the same raw tracepoints
 * {@code sys_enter} and {@code sys_exit} as {@link CaptureProbe}, behind the same checks (the tracer itself,
 * the pid, tid and cgroup sets, the syscall set of the configuration array, failed-only), but instead of a
 * record in a ring each event adds 1 to a per-CPU counter of its syscall number: one for entries, one for
 * exits, and, when asked, the exit's latency (enter to exit, from a per-thread start time kept in a hash
 * map at entry, as bpftrace's and BCC's syscount keep theirs) to a third. {@code sched_process_exit} counts
 * procexit events in one more slot when the filter lets them through. Failed exits alone can instead be
 * counted by process (tgid and comm) or by v2 cgroup id ({@link By}), in the same {@link KeyedSums} as the
 * on-CPU time and I/O bytes. Nothing is streamed, so nothing can be dropped; {@link CounterDeltas} reads the
 * counters every interval without resetting them.
 *
 * <p>Per-CPU values need no atomic add: a raw tracepoint program runs with migration disabled and is not
 * re-entered on its CPU (a nested run is skipped and counted, {@link #skipped}).
 */
public final class CountProbe extends KernelProbe {
    /** The counter slot of procexit events (syscall numbers stay below {@link CaptureProbe#MAX_SYSCALLS}). */
    public static final int PROCEXIT_SLOT = CaptureProbe.MAX_SYSCALLS;
    /** Processes (pid and comm) counted at most. */
    public static final int MAX_PROCESSES = 65536;
    /** Cgroups (v2 ids) counted at most. */
    public static final int MAX_CGROUPS = 16384;
    /** A process key: u32 tgid, u32 0, char comm[16] (the thread's comm when the event happened). */
    static final int PROCESS_KEY = 24;
    /** A cgroup key: the u64 v2 cgroup id of the task ({@code bpf_get_current_cgroup_id}, bpf-helpers(7)). */
    static final int CGROUP_KEY = 8;
    /** Counters per slot: entries, exits, latency of exits (ns). */
    static final int COUNTERS = 3;
    private static final int S_START = -64; // 16 bytes: start time, syscall number
    private static final int S_TID = -72;
    private static final int S_LAT = -80;

    /**
     * What to count.
     *
     * @param failedOnly  count only exits that returned a negative value (no entries)
     * @param procExits   count sched_process_exit too (procexit events)
     * @param latency     keep start times and sum the exits' latencies
     * @param by          what the exits are counted by: syscall number, or process ({@link #nextProcesses}) or
     *                    cgroup ({@link #nextCgroups}) instead
     */
    public record Options(KernelFilter filter, long selfPid, byte[] syscallConfig, int regsSyscallNr, boolean procExits,
                          boolean latency, By by) {
        public Options(KernelFilter filter, long selfPid, byte[] syscallConfig, int regsSyscallNr, boolean procExits,
                       boolean latency) {
            this(filter, selfPid, syscallConfig, regsSyscallNr, procExits, latency, By.SYSCALL);
        }
    }

    /**
     * What exits are counted by. PROCESS and CGROUP count exits only, in a per-CPU hash of at most
     * {@link #MAX_PROCESSES} or {@link #MAX_CGROUPS} keys; an exit the full map cannot key is counted as lost
     * ({@link #nextLost}).
     */
    public enum By {
        /** Entries and exits (and latency) by syscall number, in the slots of the counters array. */
        SYSCALL,
        /** Exits by tgid and the thread's comm at the exit. */
        PROCESS,
        /** Exits by the task's v2 cgroup id, as {@code bpf_get_current_cgroup_id} gives it. */
        CGROUP
    }

    /**
     * One cgroup's sum since the previous read: its v2 cgroup id (the directory's inode) and what was counted
     * for it (failed exits here; on-CPU ns or bytes for {@link CpuProbe} and {@link IoProbe}).
     */
    public record CgroupCount(long cgroupId, long value) {}

    /**
     * One process's sum since the previous read: its pid, the comm its thread had then, and what was counted
     * for it (failed exits here; on-CPU ns or bytes for {@link CpuProbe} and {@link IoProbe}).
     */
    public record ProcessCount(long pid, String comm, long value) {}

    /** One slot's totals since the probe was attached (or their growth, from {@link #next}). */
    public record Counts(int slot, long enters, long exits, long latencyNs) {}

    private final BpfMap counts;
    private final CounterDeltas deltas;

    public CountProbe(Options o) {
        try {
            counts = own(BpfMap.create(MapSpec.of("trace_counts", MapType.PERCPU_ARRAY, 4, 8 * COUNTERS, PROCEXIT_SLOT + 1)));
            KeyedSums keyed = switch (o.by()) {
                case SYSCALL -> null;
                case PROCESS -> sums("trace_pcounts", By.PROCESS);
                case CGROUP -> sums("trace_ccounts", By.CGROUP);
            };
            BpfMap config = CaptureProbe.configMap(o.syscallConfig(), resources);
            BpfMap start = null;
            if (o.latency()) {
                start = BpfMap.create(MapSpec.of("trace_start", MapType.LRU_HASH, 4, 16, CaptureProbe.MAX_INFLIGHT));
                resources.add(start);
            }
            CaptureProbe.Maps m = CaptureProbe.Maps.withSets(null, null, null, config, start, o.filter(), resources);
            Program enter = own(Program.load(ProgramSpec.of("trace_cnt_enter", ProgramType.RAW_TRACEPOINT, enterProgram(o, m, counts))));
            Program exit = own(Program.load(ProgramSpec.of("trace_cnt_exit", ProgramType.RAW_TRACEPOINT,
                    exitProgram(o, m, counts, keyed))));
            Program pexit = o.procExits()
                    ? own(Program.load(ProgramSpec.of("trace_cnt_pexit", ProgramType.RAW_TRACEPOINT, procExitProgram(o, m, counts))))
                    : null;
            deltas = new CounterDeltas(counts, COUNTERS);
            if (pexit != null) {
                own(Attach.rawTracepoint(pexit, "sched_process_exit"));
            }
            own(Attach.rawTracepoint(exit, "sys_exit"));
            own(Attach.rawTracepoint(enter, "sys_enter"));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The slots whose counters grew since the previous call (since the attach, the first time). */
    @Override
    public List<Counts> next() {
        List<Counts> out = new ArrayList<>();
        for (BpfMap.Entry e : deltas.next()) {
            MemorySegment k = MemorySegment.ofArray(e.key());
            MemorySegment v = MemorySegment.ofArray(e.value());
            out.add(new Counts(k.get(ValueLayout.JAVA_INT_UNALIGNED, 0), v.get(ValueLayout.JAVA_LONG_UNALIGNED, 0),
                    v.get(ValueLayout.JAVA_LONG_UNALIGNED, 8), v.get(ValueLayout.JAVA_LONG_UNALIGNED, 16)));
        }
        return out;
    }

    /** R0 = this CPU's counters of the slot in S_KEY (u32), or out. */
    private static void slot(Asm a, BpfMap counts, Label out) {
        CaptureProbe.lookupOrOut(a, counts, CaptureProbe.S_KEY, out);
    }

    /** Adds {@code src} to the u64 at R0 + off (this CPU's counters). */
    private static void add(Asm a, int off, Reg src) {
        a.ldx(Size.DW, Reg.R1, Reg.R0, off).add(Reg.R1, src).stx(Size.DW, Reg.R0, off, Reg.R1);
    }

    static List<Insn> enterProgram(Options o, CaptureProbe.Maps m, BpfMap counts) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        CaptureProbe.prologue(a, o.selfPid(), m, out, true);
        a.ldx(Size.DW, Reg.R8, Reg.R6, 8); // ctx->args[1]: the syscall number
        CaptureProbe.config(a, m, out);    // leaves the number in S_KEY
        if (o.latency()) {
            a.call(Helper.KTIME_GET_NS).stx(Size.DW, Reg.R10, S_START, Reg.R0).stx(Size.DW, Reg.R10, S_START + 8, Reg.R8)
                    .stx(Size.W, Reg.R10, S_TID, Reg.R7)
                    .ldMapFd(Reg.R1, m.inflight().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID)
                    .mov(Reg.R3, Reg.R10).add(Reg.R3, S_START).movImm(Reg.R4, 0).call(Helper.MAP_UPDATE_ELEM);
        }
        if (!o.filter().failedOnly()) { // failed-only: entries are not events of the capture
            slot(a, counts, out);
            a.movImm(Reg.R2, 1);
            add(a, 0, Reg.R2);
        }
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    static List<Insn> exitProgram(Options o, CaptureProbe.Maps m, BpfMap counts, KeyedSums keyed) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label noStart = a.newLabel("no_start");
        CaptureProbe.prologue(a, o.selfPid(), m, out, true);
        exitSyscallNr(a, o.regsSyscallNr());
        CaptureProbe.config(a, m, out);
        a.st(Size.DW, Reg.R10, S_LAT, 0);
        if (o.latency()) {
            // the latency when this thread's entry into the same system call was seen (sysdig pairs an exit
            // with the thread's last entry); the start is removed either way
            a.stx(Size.W, Reg.R10, S_TID, Reg.R7)
                    .ldMapFd(Reg.R1, m.inflight().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID)
                    .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, noStart)
                    .ldx(Size.DW, Reg.R1, Reg.R0, 8).jmp(JmpOp.JNE, Reg.R1, Reg.R8, noStart)
                    .ldx(Size.DW, Reg.R9, Reg.R0, 0)
                    .call(Helper.KTIME_GET_NS).sub(Reg.R0, Reg.R9).stx(Size.DW, Reg.R10, S_LAT, Reg.R0)
                    .bind(noStart)
                    .ldMapFd(Reg.R1, m.inflight().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID).call(Helper.MAP_DELETE_ELEM);
        }
        if (o.filter().failedOnly()) {
            a.ldx(Size.DW, Reg.R1, Reg.R6, 8).jmp(JmpOp.JSGE, Reg.R1, 0, out); // ctx->args[1]: the return value
            // a generic syscall's exit event has no res (only its number), so on the stream evt.failed is false
            // for it whatever it returned (ScapFields' rawres): count only syscalls with events of their own
            CaptureProbe.lookupOrOut(a, m.config(), CaptureProbe.S_KEY, out);
            a.ldx(Size.B, Reg.R1, Reg.R0, SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.DECODED)
                    .jmp(JmpOp.JEQ, Reg.R1, 0, out);
        }
        if (keyed != null) {
            keyed.emitKey(a);
            a.movImm(Reg.R9, 1);
            keyed.emitAdd(a, Reg.R9, out);
            a.bind(out).movImm(Reg.R0, 0).exit();
            return a.build();
        }
        slot(a, counts, out);
        a.movImm(Reg.R2, 1);
        add(a, 8, Reg.R2);
        a.ldx(Size.DW, Reg.R2, Reg.R10, S_LAT);
        add(a, 16, Reg.R2);
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    static List<Insn> procExitProgram(Options o, CaptureProbe.Maps m, BpfMap counts) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        CaptureProbe.prologue(a, o.selfPid(), m, out, true);
        a.st(Size.W, Reg.R10, CaptureProbe.S_KEY, PROCEXIT_SLOT);
        slot(a, counts, out);
        a.movImm(Reg.R2, 1);
        add(a, 0, Reg.R2);
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }
}
