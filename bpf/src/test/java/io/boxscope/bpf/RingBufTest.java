package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.asm.AluOp;
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

    /**
     * A RAW_TRACEPOINT program: run with args (first, max), it submits records {seq, seq ^ key} of 16 bytes
     * for seq = first, first + 1, ... until max records or a failed reservation, and returns how many.
     */
    static List<Insn> fill(BpfMap ring, long key) {
        Asm a = new Asm();
        Label loop = a.newLabel("loop");
        Label done = a.newLabel("done");
        a.ldx(Size.DW, Reg.R7, Reg.R1, 0).ldx(Size.DW, Reg.R9, Reg.R1, 8).movImm(Reg.R8, 0)
                .bind(loop)
                .jmp(JmpOp.JGE, Reg.R8, 1024, done)
                .jmp(JmpOp.JGE, Reg.R8, Reg.R9, done)
                .ldMapFd(Reg.R1, ring.fd()).movImm(Reg.R2, 16).movImm(Reg.R3, 0).call(Helper.RINGBUF_RESERVE)
                .jmp(JmpOp.JEQ, Reg.R0, 0, done)
                .mov(Reg.R1, Reg.R7).add(Reg.R1, Reg.R8).stx(Size.DW, Reg.R0, 0, Reg.R1)
                .ldImm64(Reg.R2, key).alu64(AluOp.XOR, Reg.R1, Reg.R2).stx(Size.DW, Reg.R0, 8, Reg.R1)
                .mov(Reg.R1, Reg.R0).movImm(Reg.R2, RingBufReader.BPF_RB_NO_WAKEUP).call(Helper.RINGBUF_SUBMIT)
                .add(Reg.R8, 1)
                .ja(loop)
                .bind(done).mov(Reg.R0, Reg.R8).exit();
        return a.build();
    }

    /**
     * A RAW_TRACEPOINT program run by this thread (Program.run, BPF_PROG_TEST_RUN) fills the ring with
     * {seq, seq ^ KEY} records until a reservation fails, no consumer running; one drain must then hand
     * over every record, in order and intact, and leave nothing pending (benchmarks/ringbuf-drain times this).
     */
    @Test
    void drainsAPreFilledRingCompletelyAndInOrder() {
        long key = 0x5a5a5a5a5a5a5a5aL;
        int size = 1 << 20;
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuffer("test_fill", size))) {
            try (Program p = Program.load(ProgramSpec.of("rb_fill", ProgramType.RAW_TRACEPOINT, fill(ring, key)));
                    RingBufReader r = new RingBufReader(ring)) {
                assertEquals(10, p.run(0, 10), "run returns the program's r0");
                long n = 10;
                for (int got; (got = p.run(n, 1024)) > 0; ) {
                    n += got;
                }
                // 16-byte payload + 8-byte header per record; a reservation fails once the ring would overflow
                assertEquals(size / 24, n);
                assertEquals(n * 24, r.pending());
                long[] next = {0};
                long[] bad = {0};
                long drained = r.drain(rec -> {
                    long seq = rec.get(ValueLayout.JAVA_LONG, 0);
                    if (seq != next[0] || rec.get(ValueLayout.JAVA_LONG, 8) != (seq ^ key) || rec.byteSize() != 16) {
                        bad[0]++;
                    }
                    next[0]++;
                });
                assertEquals(n, drained);
                assertEquals(0, bad[0], "records out of order or corrupted");
                assertEquals(0, r.pending());
                assertEquals(0, r.drain(rec -> bad[0]++), "a drained ring has nothing more");
            }
        }
    }

    /**
     * {@link RingBufReader#pollAvailable} on a ring pre-filled with {seq, seq ^ KEY} records: batches of 256
     * (one consumer-position update each) follow each other until {@code max} records, the rest stays pending
     * for the next call (which first sleeps out the linger), and every record arrives once, in order, intact.
     */
    @Test
    void pollAvailableDrainsInBatchesUpToMaxThenTheRest() throws Exception {
        long key = 0x0123456789abcdefL;
        int size = 1 << 18;
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuffer("test_pollall", size));
                Program p = Program.load(ProgramSpec.of("rb_fill", ProgramType.RAW_TRACEPOINT, fill(ring, key)));
                RingBufReader r = new RingBufReader(ring)) {
            long n = 0;
            for (int got; (got = p.run(n, 1024)) > 0; ) {
                n += got;
            }
            assertEquals(size / 24, n, "records of 16 bytes + an 8-byte header fill the ring");
            long[] next = {0};
            long[] bad = {0};
            RingBufReader.Handler h = rec -> {
                long seq = rec.get(ValueLayout.JAVA_LONG, 0);
                if (seq != next[0] || rec.get(ValueLayout.JAVA_LONG, 8) != (seq ^ key) || rec.byteSize() != 16) {
                    bad[0]++;
                }
                next[0]++;
            };
            int max = 3000; // more than one batch, fewer than the ring holds (10,922)
            assertEquals(max, r.pollAvailable(h, Duration.ofSeconds(1), Duration.ofMillis(1), 256, max));
            assertEquals((n - max) * 24, r.pending(), "what max left is still in the ring");
            long rest = r.pollAvailable(h, Duration.ofSeconds(1), Duration.ofMillis(1), 256, Integer.MAX_VALUE);
            assertEquals(n - max, rest);
            assertEquals(n, next[0]);
            assertEquals(0, bad[0], "records out of order or corrupted");
            assertEquals(0, r.pending());
            assertEquals(0, r.pollAvailable(h, Duration.ofMillis(5), Duration.ofMillis(1), 256, 10), "an empty ring times out");
            assertEquals(n, r.records());
        }
    }

    @Test
    void onlyRawTracepointProgramsCanBeRunDirectly() {
        try (Program p = Program.load(ProgramSpec.of("rb_notrun", ProgramType.TRACEPOINT, new Asm().movImm(Reg.R0, 0).exit().build()))) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> p.run());
            assertTrue(e.getMessage().contains("RAW_TRACEPOINT"), e.getMessage());
        }
    }
}
