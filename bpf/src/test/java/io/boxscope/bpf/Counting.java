package io.boxscope.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.AtomicOp;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.sys.Sys;

/** Test programs: "count events of thread TID in slot 0 of an array". */
final class Counting {
    private Counting() {}

    static BpfMap counter() {
        return BpfMap.create(MapSpec.of("test_count", MapType.ARRAY, 4, 8, 1));
    }

    static long read(BpfMap m) {
        return m.sumLong(m.lookup(new byte[4]));
    }

    /** Counts calls by thread {@code tid} (or by any thread of process {@code tid} when {@code byTgid}). */
    static List<Insn> countIf(BpfMap counter, int tid, boolean byTgid) {
        Asm a = new Asm();
        emitCountIf(a, counter, tid, byTgid, a.newLabel("out"));
        return a.build();
    }

    /** Appends the counting code to {@code a}; binds {@code out} to the final "return 0". */
    static void emitCountIf(Asm a, BpfMap counter, int tid, boolean byTgid, Label out) {
        a.call(Helper.GET_CURRENT_PID_TGID);
        if (byTgid) {
            a.rsh(Reg.R0, 32);
        }
        a.jmp32(JmpOp.JNE, Reg.R0, tid, out)
                .st(Size.W, Reg.R10, -4, 0)
                .ldMapFd(Reg.R1, counter.fd())
                .mov(Reg.R2, Reg.R10).add(Reg.R2, -4)
                .call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, out)
                .movImm(Reg.R1, 1)
                .atomic(Size.DW, AtomicOp.ADD, Reg.R0, 0, Reg.R1)
                .bind(out).movImm(Reg.R0, 0).exit();
    }

    /** A mode no one else passes to openat, so programs can pick the test's calls out of the JVM's own. */
    static final int MAGIC_MODE = 0x5a5;

    /** openat(AT_FDCWD, a path that does not exist, O_RDONLY, MAGIC_MODE) n times from this thread. */
    static void openatMissing(int n) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment path = a.allocateFrom("/nonexistent/boxscope-test");
            for (int i = 0; i < n; i++) {
                Sys.Result r = Sys.raw(Sys.arch().openatNumber(), -100, path.address(), 0, MAGIC_MODE, 0);
                if (!r.failed()) {
                    Sys.close((int) r.value());
                }
            }
        }
    }
}
