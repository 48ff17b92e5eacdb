package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.AtomicOp;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.ringbuf.DropCounter;
import io.boxscope.bpf.ringbuf.RingBufReader;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/** Records {seq, tid} per openat of this thread; seq from an atomic counter, so order is checkable. */
@KernelTest
class RingBufTest {
    static List<Insn> program(BpfMap ring, BpfMap seq, DropCounter drops, int tid) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label full = a.newLabel("full");
        a.ldx(Size.DW, Reg.R1, Reg.R1, 40) // sys_enter_openat's mode field (tracefs format: offset 40)
                .jmp(JmpOp.JNE, Reg.R1, Counting.MAGIC_MODE, out)
                .call(Helper.GET_CURRENT_PID_TGID).mov(Reg.R7, Reg.R0)
                .jmp32(JmpOp.JNE, Reg.R0, tid, out)
                // r8 = atomic fetch-add on seq[0]
                .st(Size.W, Reg.R10, -4, 0).ldMapFd(Reg.R1, seq.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out)
                .movImm(Reg.R8, 1).atomic(Size.DW, AtomicOp.FETCH_ADD, Reg.R0, 0, Reg.R8)
                // r0 = bpf_ringbuf_reserve(ring, 16, 0)
                .ldMapFd(Reg.R1, ring.fd()).movImm(Reg.R2, 16).movImm(Reg.R3, 0).call(Helper.RINGBUF_RESERVE)
                .jmp(JmpOp.JEQ, Reg.R0, 0, full)
                .stx(Size.DW, Reg.R0, 0, Reg.R8).stx(Size.DW, Reg.R0, 8, Reg.R7)
                .mov(Reg.R1, Reg.R0).movImm(Reg.R2, RingBufReader.BPF_RB_NO_WAKEUP).call(Helper.RINGBUF_SUBMIT)
                .ja(out)
                .bind(full);
        drops.emitIncrement(a, -8);
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    @Test
    void deliversEveryRecordInOrderWithoutDrops() throws Exception {
        int tid = Sys.gettid();
        int n = 500;
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuffer("test_ring", 1 << 16));
                BpfMap seq = Counting.counter(); DropCounter drops = new DropCounter("test_drops");
                Program p = Program.load(ProgramSpec.of("rb_openat", ProgramType.TRACEPOINT, program(ring, seq, drops, tid)));
                Link l = Attach.tracepoint(p, "syscalls", "sys_enter_openat");
                RingBufReader r = new RingBufReader(ring)) {
            List<long[]> got = new ArrayList<>();
            RingBufReader.Handler h = rec -> got.add(new long[] {rec.get(ValueLayout.JAVA_LONG, 0),
                    rec.get(ValueLayout.JAVA_LONG, 8), rec.byteSize()});
            for (int round = 0; round < 5; round++) {
                Counting.openatMissing(n / 5);
                r.poll(h, Duration.ofSeconds(2));
                r.drain(h);
            }
            assertEquals(n, got.size(), l.description());
            for (int i = 0; i < n; i++) {
                assertEquals(i, got.get(i)[0], "record " + i + " out of order");
                assertEquals(tid, (int) got.get(i)[1]);
                assertEquals(16, got.get(i)[2]);
            }
            assertEquals(0, drops.dropped());
            assertEquals(0, r.pending());
        }
    }

    @Test
    void aTinyRingCountsEveryDrop() {
        int tid = Sys.gettid();
        int produced = 1000;
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuffer("test_tiny", 4096));
                BpfMap seq = Counting.counter(); DropCounter drops = new DropCounter("test_drops");
                Program p = Program.load(ProgramSpec.of("rb_tiny", ProgramType.TRACEPOINT, program(ring, seq, drops, tid)));
                Link l = Attach.tracepoint(p, "syscalls", "sys_enter_openat");
                RingBufReader r = new RingBufReader(ring)) {
            Counting.openatMissing(produced); // nobody consumes meanwhile: the ring fills up
            long[] delivered = {0};
            r.drain(rec -> delivered[0]++);
            long dropped = drops.dropped();
            assertTrue(dropped > 0, "a 4 KiB ring cannot hold " + produced + " records");
            assertEquals(produced, delivered[0] + dropped, "delivered " + delivered[0] + " + dropped " + dropped);
            assertEquals(produced, Counting.read(seq));
        }
    }
}
