package io.boxscope.bpf.ringbuf;

import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.AtomicOp;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;

/**
 * Boxscope's drop-counter convention: a one-slot per-CPU array of u64 that a program bumps whenever
 * bpf_ringbuf_reserve (or output) fails because the ring is full. The reader cannot see such drops
 * any other way, and losing events silently is not allowed; callers report {@link #dropped()}.
 */
public final class DropCounter implements AutoCloseable {
    private final BpfMap map;

    public DropCounter(String name) {
        this.map = BpfMap.create(spec(name));
    }

    /** A drop counter over an existing map of {@link #spec} (e.g. one a {@code BpfCollection} created). */
    public DropCounter(BpfMap map) {
        if (map.type() != MapType.PERCPU_ARRAY || map.spec().valueSize() != 8 || map.spec().keySize() != 4) {
            throw new IllegalArgumentException(map + " is not a drop counter (a per-CPU array of one u64)");
        }
        this.map = map;
    }

    /** The map a drop counter needs, for a {@code CollectionSpec}. */
    public static MapSpec spec(String name) {
        return MapSpec.of(name, MapType.PERCPU_ARRAY, 4, 8, 1);
    }

    /**
     * Emits "counter += 1" for the drop counter map named {@code mapName} (resolved at load, see
     * {@link Asm#ldMap}). Clobbers R0–R5 and the 4-byte stack slot at {@code stackOffset}.
     */
    public static void emitIncrement(Asm a, String mapName, int stackOffset) {
        Label skip = a.newLabel("drop_done");
        a.st(Size.W, Reg.R10, stackOffset, 0)
                .ldMap(Reg.R1, mapName)
                .mov(Reg.R2, Reg.R10).add(Reg.R2, stackOffset)
                .call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, skip)
                .movImm(Reg.R1, 1)
                .atomic(Size.DW, AtomicOp.ADD, Reg.R0, 0, Reg.R1)
                .bind(skip);
    }

    public BpfMap map() {
        return map;
    }

    /**
     * Emits "counter += 1". Clobbers R0–R5 and the 4-byte stack slot at {@code stackOffset} (negative,
     * relative to R10).
     */
    public void emitIncrement(Asm a, int stackOffset) {
        Label skip = a.newLabel("drop_done");
        a.st(Size.W, Reg.R10, stackOffset, 0)
                .ldMapFd(Reg.R1, map.fd())
                .mov(Reg.R2, Reg.R10).add(Reg.R2, stackOffset)
                .call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, skip)
                .movImm(Reg.R1, 1)
                .atomic(Size.DW, AtomicOp.ADD, Reg.R0, 0, Reg.R1)
                .bind(skip);
    }

    /** Drops so far, summed over CPUs. */
    public long dropped() {
        byte[] v = map.lookup(new byte[4]);
        return v == null ? 0 : map.sumLong(v);
    }

    @Override
    public void close() {
        map.close();
    }
}
