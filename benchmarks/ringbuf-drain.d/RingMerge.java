import java.time.Duration;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
import io.boxscope.bpf.ringbuf.RingBufSet;

/**
 * What the merge of per-CPU rings costs the consumer per record: the same records (32 bytes, a u64 key at offset 8,
 * as trace's generic records) drained from one ring in batches of 256 (RingBufReader.drainBatch, what a shared ring
 * costs), and from two rings of half the size each, keys interleaved (even keys in one, odd in the other), merged by
 * key (RingBufSet.pollAvailable, batches of 256). The handler sums the keys and the merge's order is checked (each key
 * one more than the last). Part of benchmarks/ringbuf-drain (MERGE=1). Usage: RingMerge [RING_MIB=16] [WARMUP=5] [ROUNDS=10]
 */
public class RingMerge {
    static final int PER_RUN = 1024;
    static long sum;
    static long last;
    static long bad;

    /** ctx args[0] = first key, args[1] = how many, args[2] = key step; 32-byte records, the key at offset 8. */
    static List<Insn> filler(BpfMap ring) {
        Asm a = new Asm();
        Label loop = a.newLabel("loop");
        Label done = a.newLabel("done");
        a.ldx(Size.DW, Reg.R7, Reg.R1, 0).ldx(Size.DW, Reg.R9, Reg.R1, 8).ldx(Size.DW, Reg.R6, Reg.R1, 16).movImm(Reg.R8, 0)
                .bind(loop)
                .jmp(JmpOp.JGE, Reg.R8, PER_RUN, done)
                .jmp(JmpOp.JGE, Reg.R8, Reg.R9, done)
                .ldMapFd(Reg.R1, ring.fd()).movImm(Reg.R2, 32).movImm(Reg.R3, 0).call(Helper.RINGBUF_RESERVE)
                .jmp(JmpOp.JEQ, Reg.R0, 0, done)
                .stx(Size.DW, Reg.R0, 8, Reg.R7).st(Size.DW, Reg.R0, 0, 1).st(Size.DW, Reg.R0, 16, 0).st(Size.DW, Reg.R0, 24, 0)
                .add(Reg.R7, Reg.R6)
                .mov(Reg.R1, Reg.R0).movImm(Reg.R2, RingBufReader.BPF_RB_NO_WAKEUP).call(Helper.RINGBUF_SUBMIT)
                .add(Reg.R8, 1)
                .ja(loop)
                .bind(done).mov(Reg.R0, Reg.R8).exit();
        return a.build();
    }

    /** Fills until a reservation fails or {@code max} records; returns how many. */
    static long fill(Program p, long first, long step, long max) {
        long n = 0;
        while (n < max) {
            int r = p.run(first + n * step, Math.min(PER_RUN, max - n), step);
            n += r;
            if (r < PER_RUN) {
                break;
            }
        }
        return n;
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        RingBufReader.Handler h = rec -> {
            long k = rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
            sum += k;
            if (k != last + 1) {
                bad++;
            }
            last = k;
        };
        try (BpfMap one = BpfMap.create(MapSpec.ringBuffer("bench_one", mib << 20));
                BpfMap r0 = BpfMap.create(MapSpec.ringBuffer("bench_r0", mib << 19));
                BpfMap r1 = BpfMap.create(MapSpec.ringBuffer("bench_r1", mib << 19));
                Program p = Program.load(ProgramSpec.of("bench_fill1", ProgramType.RAW_TRACEPOINT, filler(one)));
                Program p0 = Program.load(ProgramSpec.of("bench_fill0", ProgramType.RAW_TRACEPOINT, filler(r0)));
                Program p1 = Program.load(ProgramSpec.of("bench_fill1", ProgramType.RAW_TRACEPOINT, filler(r1)));
                RingBufReader single = new RingBufReader(one);
                RingBufSet set = new RingBufSet(List.of(new RingBufReader(r0), new RingBufReader(r1)), 8)) {
            double[] ns1 = new double[rounds];
            double[] ns2 = new double[rounds];
            for (int round = 0; round < warmup + rounds; round++) {
                // one ring
                long n = fill(p, 0, 1, Long.MAX_VALUE);
                sum = 0;
                last = -1;
                bad = 0;
                long t0 = System.nanoTime();
                long got = 0;
                for (int k; (k = single.drainBatch(h, 256)) > 0; ) {
                    got += k;
                }
                long t1 = System.nanoTime();
                check("one ring", got, n, 0);
                // two rings, merged
                long half = fill(p0, 0, 2, Long.MAX_VALUE);
                long m = half + fill(p1, 1, 2, half);
                sum = 0;
                last = -1;
                bad = 0;
                long t2 = System.nanoTime();
                long got2 = set.pollAvailable(h, Duration.ZERO, Duration.ZERO, 256, Integer.MAX_VALUE);
                long t3 = System.nanoTime();
                // two equal rings of half the size hold the same number of records: keys 0..m-1 all present
                check("two rings merged", got2, m, 0);
                if (round >= warmup) {
                    ns1[round - warmup] = (t1 - t0) / (double) n;
                    ns2[round - warmup] = (t3 - t2) / (double) m;
                }
                System.out.printf(Locale.ROOT, "%s %2d: one ring %d records %.1f ns each; two rings merged %d records %.1f ns each%n",
                        round >= warmup ? "round " : "warmup", round, n, (t1 - t0) / (double) n, m, (t3 - t2) / (double) m);
            }
            Arrays.sort(ns1);
            Arrays.sort(ns2);
            System.out.printf(Locale.ROOT, "result %d MiB in all, %d warm-up + %d rounds, median ns per record: one ring %.1f,"
                    + " two rings merged %.1f%n", mib, warmup, rounds, ns1[rounds / 2], ns2[rounds / 2]);
        }
    }

    static void check(String what, long got, long want, long unused) {
        if (got != want || bad != 0 || sum != want * (want - 1) / 2) {
            throw new AssertionError(what + ": drained " + got + " of " + want + ", " + bad + " out of order, sum " + sum);
        }
    }
}
