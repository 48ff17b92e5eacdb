import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;
import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.ringbuf.RingBufReader;

/**
 * Ring buffer drain rate: a RAW_TRACEPOINT program, run by this thread with BPF_PROG_TEST_RUN (no
 * consumer running), fills a ring buffer map with 16-byte records {seq, seq ^ KEY} until a reservation
 * fails; then RingBufReader.drain consumes all of them with a handler that sums the seq field (so the
 * JIT cannot drop the reads), and the sum and count are checked. Warm-up rounds first; prints every
 * round and the best and median records/s of the measured rounds. Part of benchmarks/ringbuf-drain.
 * Usage: RingDrain [RING_MIB=64] [WARMUP=5] [ROUNDS=10]
 */
public class RingDrain {
    static final long KEY = 0x5a5a5a5a5a5a5a5aL;
    static final int PER_RUN = 1024;
    static long sum;

    /** ctx args[0] = first seq, args[1] = how many (at most PER_RUN); returns how many were submitted. */
    static java.util.List<Insn> filler(BpfMap ring) {
        Asm a = new Asm();
        Label loop = a.newLabel("loop");
        Label done = a.newLabel("done");
        a.ldx(Size.DW, Reg.R7, Reg.R1, 0).ldx(Size.DW, Reg.R9, Reg.R1, 8).movImm(Reg.R8, 0)
                .bind(loop)
                .jmp(JmpOp.JGE, Reg.R8, PER_RUN, done)
                .jmp(JmpOp.JGE, Reg.R8, Reg.R9, done)
                .ldMapFd(Reg.R1, ring.fd()).movImm(Reg.R2, 16).movImm(Reg.R3, 0).call(Helper.RINGBUF_RESERVE)
                .jmp(JmpOp.JEQ, Reg.R0, 0, done)
                .mov(Reg.R1, Reg.R7).add(Reg.R1, Reg.R8).stx(Size.DW, Reg.R0, 0, Reg.R1)
                .ldImm64(Reg.R2, KEY).alu64(AluOp.XOR, Reg.R1, Reg.R2).stx(Size.DW, Reg.R0, 8, Reg.R1)
                .mov(Reg.R1, Reg.R0).movImm(Reg.R2, RingBufReader.BPF_RB_NO_WAKEUP).call(Helper.RINGBUF_SUBMIT)
                .add(Reg.R8, 1)
                .ja(loop)
                .bind(done).mov(Reg.R0, Reg.R8).exit();
        return a.build();
    }

    static long fill(Program p) {
        long n = 0;
        while (true) {
            int r = p.run(n, PER_RUN);
            n += r;
            if (r < PER_RUN) {
                return n;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        try (BpfMap ring = BpfMap.create(MapSpec.ringBuffer("bench_drain", mib << 20));
                Program p = Program.load(ProgramSpec.of("bench_fill", ProgramType.RAW_TRACEPOINT, filler(ring)));
                RingBufReader reader = new RingBufReader(ring)) {
            RingBufReader.Handler h = rec -> sum += rec.get(ValueLayout.JAVA_LONG, 0);
            double[] rates = new double[rounds];
            long records = 0;
            for (int round = 0; round < warmup + rounds; round++) {
                long f0 = System.nanoTime();
                long n = fill(p);
                long fillNs = System.nanoTime() - f0;
                long pending = reader.pending();
                sum = 0;
                long t0 = System.nanoTime();
                long got = reader.drain(h);
                long ns = System.nanoTime() - t0;
                if (got != n || sum != n * (n - 1) / 2 || reader.pending() != 0) {
                    throw new AssertionError("round " + round + ": filled " + n + ", drained " + got + ", sum " + sum
                            + " (want " + n * (n - 1) / 2 + "), pending after " + reader.pending());
                }
                double rate = n * 1e9 / ns;
                boolean measured = round >= warmup;
                if (measured) {
                    rates[round - warmup] = rate;
                }
                records = n;
                System.out.printf(Locale.ROOT, "%s %2d: %d records (%d bytes) drained in %.2f ms = %.1f M records/s (filled by BPF in %.0f ms)%n",
                        measured ? "round " : "warmup", round, n, pending, ns / 1e6, rate / 1e6, fillNs / 1e6);
            }
            Arrays.sort(rates);
            double median = rounds % 2 == 1 ? rates[rounds / 2] : (rates[rounds / 2 - 1] + rates[rounds / 2]) / 2;
            System.out.printf(Locale.ROOT, "result ring %d MiB, %d records of 16 bytes, %d warm-up + %d rounds: best %.1f M/s, median %.1f M/s%n",
                    mib, records, warmup, rounds, rates[rounds - 1] / 1e6, median / 1e6);
        }
    }
}
