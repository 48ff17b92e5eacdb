import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.util.*;
import io.boxscope.bpf.asm.*;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.map.*;
import io.boxscope.bpf.prog.*;
import io.boxscope.bpf.ringbuf.*;

/**
 * Where a generic system call's capture time goes in the kernel: loads a pair of small tp_btf programs on
 * sys_enter and sys_exit (each a named variant, or "-" for none), runs a getppid(2) loop in this JVM (best of 3
 * of N calls) and prints each program's own ns per run from bpf_stats (run_time_ns / run_cnt over the loop;
 * turn kernel.bpf_stats_enabled on first, benchmarks/trace-capture.d/program-cost does). Every program runs for
 * every system call on the host, so on a busy host the figures mix in other processes' calls. Variants, each
 * including the ones above it: empty (return 0), pid (bpf_get_current_pid_tgid), cfg (an array lookup, as
 * CaptureProbe's configuration), ktime (bpf_get_smp_processor_id, bpf_ktime_get_ns); ring (a 24-byte record
 * built on the stack and copied with bpf_ringbuf_output, CaptureProbe's generic record before this change),
 * reserve (the same record reserved and written in place, after), pcpu (cfg, ktime and a store of {tid, time}
 * into a per-CPU array: the entry half of an enter+exit pair), pair (the exit half: the per-CPU slot's time and
 * the exit's in one 32-byte record). Usage: java -cp this:cli/target/boxscope.jar ProgramCost N enter:exit...
 */
public class ProgramCost {
    static MethodHandle getppid;
    /** The configuration key the cfg variant looks up (any number: the array is what is measured). */
    static final int GETPPID = 110;
    static long loop(long n) throws Throwable {
        long t0 = System.nanoTime(); long s = 0;
        for (long i = 0; i < n; i++) s += (int) getppid.invokeExact();
        if (s == 42) System.err.println();
        return System.nanoTime() - t0;
    }
    static List<Insn> prog(String v, BpfMap cfg, BpfMap ring, BpfMap pcpu) {
        Asm a = new Asm(); Label out = a.newLabel("out");
        if (v.equals("empty")) { a.movImm(Reg.R0, 0).exit(); return a.build(); }
        a.mov(Reg.R6, Reg.R1).call(Helper.GET_CURRENT_PID_TGID).mov(Reg.R7, Reg.R0);
        if (v.equals("pid")) { a.movImm(Reg.R0, 0).exit(); return a.build(); }
        a.st(Size.W, Reg.R10, -16, GETPPID).ldMapFd(Reg.R1, cfg.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -16)
         .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out)
         .ldx(Size.DW, Reg.R1, Reg.R0, 0).stx(Size.DW, Reg.R10, -96, Reg.R1);
        if (v.equals("cfg")) { a.bind(out).movImm(Reg.R0, 0).exit(); return a.build(); }
        if (v.equals("ktime")) {
            a.call(Helper.GET_SMP_PROCESSOR_ID).stx(Size.W, Reg.R10, -28, Reg.R0).call(Helper.KTIME_GET_NS).stx(Size.DW, Reg.R10, -40, Reg.R0);
            a.bind(out).movImm(Reg.R0, 0).exit(); return a.build();
        }
        if (v.equals("pcpu")) { // cfg + ktime + store {tid, ts} into a per-CPU array slot
            a.st(Size.W, Reg.R10, -20, 0).ldMapFd(Reg.R1, pcpu.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -20)
             .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out).mov(Reg.R9, Reg.R0)
             .call(Helper.KTIME_GET_NS).stx(Size.DW, Reg.R9, 8, Reg.R0).stx(Size.DW, Reg.R9, 0, Reg.R7);
            a.bind(out).movImm(Reg.R0, 0).exit(); return a.build();
        }
        if (v.equals("pair")) { // exit of the combined structure: per-CPU slot's enter time + exit time in one 32-byte record
            a.st(Size.W, Reg.R10, -20, 0).ldMapFd(Reg.R1, pcpu.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -20)
             .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out).mov(Reg.R9, Reg.R0)
             .ldx(Size.DW, Reg.R1, Reg.R9, 0).jmp(JmpOp.JNE, Reg.R1, Reg.R7, out)
             .ldx(Size.DW, Reg.R1, Reg.R9, 8).stx(Size.DW, Reg.R10, -200, Reg.R1).st(Size.DW, Reg.R9, 0, 0)
             .st(Size.H, Reg.R10, -224, 6).st(Size.H, Reg.R10, -222, 110)
             .call(Helper.GET_SMP_PROCESSOR_ID).stx(Size.W, Reg.R10, -220, Reg.R0)
             .call(Helper.KTIME_GET_NS).stx(Size.DW, Reg.R10, -216, Reg.R0).stx(Size.DW, Reg.R10, -208, Reg.R7)
             .ldMapFd(Reg.R1, ring.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -224).movImm(Reg.R3, 32).movImm(Reg.R4, 1)
             .call(Helper.RINGBUF_OUTPUT);
            a.bind(out).movImm(Reg.R0, 0).exit(); return a.build();
        }
        // ring variants: 24-byte record
        a.st(Size.H, Reg.R10, -224, 1).st(Size.H, Reg.R10, -222, 110)
         .call(Helper.GET_SMP_PROCESSOR_ID).stx(Size.W, Reg.R10, -220, Reg.R0)
         .call(Helper.KTIME_GET_NS).stx(Size.DW, Reg.R10, -216, Reg.R0).stx(Size.DW, Reg.R10, -208, Reg.R7);
        if (v.equals("ring")) {
            a.ldMapFd(Reg.R1, ring.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -224).movImm(Reg.R3, 24).movImm(Reg.R4, 1)
             .call(Helper.RINGBUF_OUTPUT);
        } else if (v.equals("reserve")) {
            a.ldMapFd(Reg.R1, ring.fd()).movImm(Reg.R2, 24).movImm(Reg.R3, 0).call(Helper.RINGBUF_RESERVE)
             .jmp(JmpOp.JEQ, Reg.R0, 0, out).ldx(Size.DW, Reg.R1, Reg.R10, -216).stx(Size.DW, Reg.R0, 8, Reg.R1)
             .stx(Size.DW, Reg.R0, 16, Reg.R7).st(Size.DW, Reg.R0, 0, 110)
             .mov(Reg.R1, Reg.R0).movImm(Reg.R2, 1).call(Helper.RINGBUF_SUBMIT);
        } else throw new IllegalArgumentException(v);
        a.bind(out).movImm(Reg.R0, 0).exit(); return a.build();
    }
    public static void main(String[] args) throws Throwable {
        Linker l = Linker.nativeLinker();
        getppid = l.downcallHandle(l.defaultLookup().find("getppid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
        long n = Long.parseLong(args[0]);
        loop(300_000);
        for (int ai = 1; ai < args.length; ai++) {
            String[] ve = args[ai].split(":", -1); // enterVariant:exitVariant ("-" none)
            try (BpfMap cfg = BpfMap.create(MapSpec.of("x_cfg", MapType.ARRAY, 4, 16, 1024));
                 BpfMap ring = BpfMap.create(MapSpec.ringBuffer("x_ring", 16 << 20));
                 BpfMap pcpu = BpfMap.create(MapSpec.of("x_pcpu", MapType.PERCPU_ARRAY, 4, 16, 1));
                 RingBufReader rd = new RingBufReader(ring)) {
                byte[] v = new byte[16]; v[0] = 1; cfg.update(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(GETPPID).array(), v, BpfMap.ANY);
                List<AutoCloseable> res = new ArrayList<>();
                Program pe = null, px = null;
                if (!ve[0].equals("-")) { pe = Program.load(ProgramSpec.tpBtf("x_enter", prog(ve[0], cfg, ring, pcpu), AttachTargets.rawTracepoint("sys_enter"))); res.add(pe); }
                if (!ve[1].equals("-")) { px = Program.load(ProgramSpec.tpBtf("x_exit", prog(ve[1], cfg, ring, pcpu), AttachTargets.rawTracepoint("sys_exit"))); res.add(px); }
                if (px != null) res.add(Attach.tracing(px));
                if (pe != null) res.add(Attach.tracing(pe));
                long[] got = {0};
                Thread drain = Thread.ofPlatform().daemon().start(() -> {
                    try { while (!Thread.currentThread().isInterrupted()) { got[0] += rd.pollBatch(r -> {}, java.time.Duration.ofMillis(10), 4096); } } catch (InterruptedException e) { }
                });
                long e0r = pe == null ? 0 : pe.info().runTimeNs().orElse(0), e0c = pe == null ? 0 : pe.info().runCount().orElse(0);
                long x0r = px == null ? 0 : px.info().runTimeNs().orElse(0), x0c = px == null ? 0 : px.info().runCount().orElse(0);
                long best = Long.MAX_VALUE;
                for (int r = 0; r < 3; r++) best = Math.min(best, loop(n));
                String es = pe == null ? "-" : String.format("%.1f", (pe.info().runTimeNs().orElse(0) - e0r) / (double) Math.max(1, pe.info().runCount().orElse(0) - e0c));
                String xs = px == null ? "-" : String.format("%.1f", (px.info().runTimeNs().orElse(0) - x0r) / (double) Math.max(1, px.info().runCount().orElse(0) - x0c));
                drain.interrupt(); drain.join();
                System.out.printf("%-16s loop %.1f ns/call  enter %s ns/run  exit %s ns/run  read %d%n", args[ai], best / (double) n, es, xs, got[0]);
                for (AutoCloseable c : res.reversed()) c.close();
            }
        }
    }
}
