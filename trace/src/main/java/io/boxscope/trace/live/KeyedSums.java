package io.boxscope.trace.live;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.CounterDeltas;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;

/**
 * Sums kept in the kernel by process (tgid and the current thread's comm) or by v2 cgroup id, for the table
 * chisels counted by key: failed exits ({@link CountProbe}), on-CPU nanoseconds ({@link CpuProbe}) and bytes of
 * I/O ({@link IoProbe}); {@link #emitAdd} is the one per-key add of all three. A per-CPU hash of at most {@link CountProbe#MAX_PROCESSES} or {@link CountProbe#MAX_CGROUPS}
 * keys, read with {@link CounterDeltas} (never reset, so nothing added between two reads is lost); a value the
 * full map cannot key is added to a per-CPU lost counter instead, which {@link #nextLost} reports, so nothing
 * is lost silently. The key is that of the current task ({@code bpf_get_current_comm},
 * {@code bpf_get_current_cgroup_id}, bpf-helpers(7)).
 */
final class KeyedSums implements AutoCloseable {
    /** The key on the stack: u32 tgid, u32 0, char comm[16]; or u64 cgroup id (-128 .. -105). */
    static final int S_PKEY = -128;
    private static final int S_ZERO = -136;
    private static final int S_LOST = -140;

    private final CountProbe.By by;
    private final BpfMap map;
    private final BpfMap lost;
    private final CounterDeltas deltas;
    private final CounterDeltas lostDeltas;

    KeyedSums(String name, CountProbe.By by) {
        if (by == CountProbe.By.SYSCALL) {
            throw new IllegalArgumentException("sums by syscall number are CountProbe's counters");
        }
        this.by = by;
        map = by == CountProbe.By.PROCESS
                ? BpfMap.create(MapSpec.of(name, MapType.PERCPU_HASH, CountProbe.PROCESS_KEY, 8, CountProbe.MAX_PROCESSES))
                : BpfMap.create(MapSpec.of(name, MapType.PERCPU_HASH, CountProbe.CGROUP_KEY, 8, CountProbe.MAX_CGROUPS));
        try {
            lost = BpfMap.create(MapSpec.of(name + "_lost", MapType.PERCPU_ARRAY, 4, 8, 1));
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
        deltas = new CounterDeltas(map, 1);
        lostDeltas = new CounterDeltas(lost, 1);
    }

    CountProbe.By by() {
        return by;
    }

    /** Writes the current task's key at {@link #S_PKEY}; R7 must hold {@code bpf_get_current_pid_tgid}. */
    void emitKey(Asm a) {
        a.st(Size.DW, Reg.R10, S_PKEY, 0).st(Size.DW, Reg.R10, S_PKEY + 8, 0).st(Size.DW, Reg.R10, S_PKEY + 16, 0);
        if (by == CountProbe.By.PROCESS) {
            a.mov(Reg.R1, Reg.R7).rsh(Reg.R1, 32).stx(Size.W, Reg.R10, S_PKEY, Reg.R1)
                    .mov(Reg.R1, Reg.R10).add(Reg.R1, S_PKEY + 8).movImm(Reg.R2, 16).call(Helper.GET_CURRENT_COMM);
        } else {
            a.call(Helper.GET_CURRENT_CGROUP_ID).stx(Size.DW, Reg.R10, S_PKEY, Reg.R0);
        }
    }

    /**
     * Adds {@code value} (a callee-saved register, R6 to R9) to this CPU's sum of the key at {@link #S_PKEY},
     * creating it at 0 first; when the map is full, to the lost counter. Ends by jumping to {@code out}.
     */
    void emitAdd(Asm a, Reg value, Label out) {
        Label have = a.newLabel("ksum_have");
        Label full = a.newLabel("ksum_full");
        a.ldMapFd(Reg.R1, map.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_PKEY)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JNE, Reg.R0, 0, have)
                .st(Size.DW, Reg.R10, S_ZERO, 0)
                .ldMapFd(Reg.R1, map.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_PKEY)
                .mov(Reg.R3, Reg.R10).add(Reg.R3, S_ZERO).movImm(Reg.R4, (int) BpfMap.NOEXIST).call(Helper.MAP_UPDATE_ELEM)
                .ldMapFd(Reg.R1, map.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_PKEY)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, full)
                .bind(have)
                .ldx(Size.DW, Reg.R1, Reg.R0, 0).add(Reg.R1, value).stx(Size.DW, Reg.R0, 0, Reg.R1)
                .ja(out)
                .bind(full).st(Size.W, Reg.R10, S_LOST, 0)
                .ldMapFd(Reg.R1, lost.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_LOST)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out)
                .ldx(Size.DW, Reg.R1, Reg.R0, 0).add(Reg.R1, value).stx(Size.DW, Reg.R0, 0, Reg.R1)
                .ja(out);
    }

    /** The processes whose sums grew since the previous call ({@link CountProbe.By#PROCESS}; empty otherwise). */
    List<CountProbe.ProcessCount> nextProcesses() {
        return by == CountProbe.By.PROCESS ? processes(deltas.next()) : List.of();
    }

    /** The cgroups whose sums grew since the previous call ({@link CountProbe.By#CGROUP}; empty otherwise). */
    List<CountProbe.CgroupCount> nextCgroups() {
        return by == CountProbe.By.CGROUP ? cgroups(deltas.next()) : List.of();
    }

    /** What was added to the lost counter since the previous call (the map was full). */
    long nextLost() {
        long n = 0;
        for (BpfMap.Entry e : lostDeltas.next()) {
            n += MemorySegment.ofArray(e.value()).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        }
        return n;
    }

    /** Process keys (u32 tgid, u32 0, comm[16]) and their u64 values, already summed over CPUs. */
    private static List<CountProbe.ProcessCount> processes(List<BpfMap.Entry> entries) {
        List<CountProbe.ProcessCount> out = new ArrayList<>();
        for (BpfMap.Entry e : entries) {
            byte[] comm = Arrays.copyOfRange(e.key(), 8, CountProbe.PROCESS_KEY);
            int n = 0;
            while (n < comm.length && comm[n] != 0) {
                n++;
            }
            out.add(new CountProbe.ProcessCount(
                    Integer.toUnsignedLong(MemorySegment.ofArray(e.key()).get(ValueLayout.JAVA_INT_UNALIGNED, 0)),
                    RawRecord.string(Arrays.copyOf(comm, n)),
                    MemorySegment.ofArray(e.value()).get(ValueLayout.JAVA_LONG_UNALIGNED, 0)));
        }
        return out;
    }

    /** Cgroup keys (u64 v2 id) and their u64 values, already summed over CPUs. */
    private static List<CountProbe.CgroupCount> cgroups(List<BpfMap.Entry> entries) {
        List<CountProbe.CgroupCount> out = new ArrayList<>();
        for (BpfMap.Entry e : entries) {
            out.add(new CountProbe.CgroupCount(MemorySegment.ofArray(e.key()).get(ValueLayout.JAVA_LONG_UNALIGNED, 0),
                    MemorySegment.ofArray(e.value()).get(ValueLayout.JAVA_LONG_UNALIGNED, 0)));
        }
        return out;
    }

    @Override
    public void close() {
        lost.close();
        map.close();
    }
}
