import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
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

/**
 * Streams every system call on the host (raw_syscalls:sys_enter: {id, pid_tgid}, 16 bytes) through
 * an 8 MiB BPF ring buffer to a Java consumer that reads each record. Prints "ready", then on
 * SIGINT/SIGTERM: "events N drops D seconds S". Part of benchmarks/syscall-overhead.
 */
public class RingTracer {
    public static void main(String[] args) throws Exception {
        BpfMap ring = BpfMap.create(MapSpec.ringBuffer("bench_ring", 8 << 20));
        DropCounter drops = new DropCounter("bench_drops");
        Asm a = new Asm();
        Label full = a.newLabel("full");
        Label out = a.newLabel("out");
        a.mov(Reg.R6, Reg.R1)
                .ldMapFd(Reg.R1, ring.fd()).movImm(Reg.R2, 16).movImm(Reg.R3, 0).call(Helper.RINGBUF_RESERVE)
                .jmp(JmpOp.JEQ, Reg.R0, 0, full)
                .mov(Reg.R7, Reg.R0)
                .ldx(Size.DW, Reg.R1, Reg.R6, 8).stx(Size.DW, Reg.R7, 0, Reg.R1)
                .call(Helper.GET_CURRENT_PID_TGID).stx(Size.DW, Reg.R7, 8, Reg.R0)
                .mov(Reg.R1, Reg.R7).movImm(Reg.R2, RingBufReader.BPF_RB_NO_WAKEUP).call(Helper.RINGBUF_SUBMIT)
                .ja(out).bind(full);
        drops.emitIncrement(a, -8);
        a.bind(out).movImm(Reg.R0, 0).exit();
        Program p = Program.load(ProgramSpec.of("bench_rb", ProgramType.TRACEPOINT, a.build()));
        RingBufReader reader = new RingBufReader(ring);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        long[] sum = {0};
        Link link = Attach.tracepoint(p, "raw_syscalls", "sys_enter");
        long t0 = System.nanoTime();
        Thread consumer = new Thread(() -> {
            try {
                while (!stop.get()) {
                    reader.poll(rec -> sum[0] += rec.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0), Duration.ofMillis(100));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.countDown();
        });
        consumer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            link.close();
            stop.set(true);
            try {
                done.await();
            } catch (InterruptedException e) {
                return;
            }
            reader.drain(rec -> sum[0]++);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "events %d drops %d seconds %.2f%n", reader.records(), drops.dropped(), s);
            System.out.flush();
        }));
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
