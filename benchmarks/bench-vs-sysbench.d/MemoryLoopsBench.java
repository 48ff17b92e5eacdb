import io.boxscope.bench.engine.Worker;
import io.boxscope.bench.workload.MemoryWorkload;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * sysbench's and Boxscope's memory loops (sequential and random) in one JVM, on the same block, alternating.
 * Launched by memory-loops (which builds sb_memory_loops.c into a shared library). Boxscope's loops
 * are MemoryWorkload's own workers; sysbench's are gcc's code for its loops, called through FFM
 * on the worker's long[] (a critical downcall passes the heap array's address), and once more on a
 * page-aligned native block, as sysbench's own is. Each variant runs 100 ms windows in turn (with
 * THREADS 2, in two threads at once on one shared block, global scope as bench-vs-sysbench runs it);
 * throughput is block bytes per second of this thread's CPU time, so time the thread spends
 * descheduled on a loaded host does not count. Prints median, best and worst of the windows, the ratio of
 * the medians, and the median of the per-round ratios (Boxscope's window over sysbench's of the same round,
 * so both saw about the same load).
 */
public final class MemoryLoopsBench {
    interface Loop {
        void run() throws Throwable;
    }

    /** Where the XOR variant's fold goes (never read). */
    static volatile long sink;

    /**
     * Empty: memory-loops starts the JVM with -XX:CompileCommand=blackhole for this method, so C2 keeps
     * each value passed to it in a register and emits nothing else (what JMH's Blackhole uses). Without
     * that option C2 would delete the loads; the figure is then meaningless.
     */
    static void consume(long v) {
    }

    /** sysbench's sequential read as Java with a compiler blackhole as the loads' consumer. */
    static void blackholeRead(long[] b) {
        for (int i = 0; i < b.length; i++) {
            consume(b[i]);
        }
    }

    public static void main(String[] args) throws Throwable {
        String lib = args[0];
        long bytes = Long.parseLong(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        long words = bytes / 8;
        // global scope, as bench-vs-sysbench runs it: with 2 threads both walk one block
        MemoryWorkload writes = new MemoryWorkload(bytes, 0, MemoryWorkload.Scope.GLOBAL, MemoryWorkload.Oper.WRITE,
                MemoryWorkload.Access.SEQ, threads);
        MemoryWorkload reads = new MemoryWorkload(bytes, 0, MemoryWorkload.Scope.GLOBAL, MemoryWorkload.Oper.READ,
                MemoryWorkload.Access.SEQ, threads);
        Worker[] write = new Worker[threads];
        Worker[] read = new Worker[threads];
        for (int t = 0; t < threads; t++) {
            write[t] = writes.worker(t);
            read[t] = reads.worker(t);
        }
        long[] writeBlock = block(write[0]);
        long[] readBlock = block(read[0]);
        MemorySegment nat = Arena.global().allocate(bytes, 4096);
        Linker linker = Linker.nativeLinker();
        SymbolLookup so = SymbolLookup.libraryLookup(lib, Arena.global());
        FunctionDescriptor fd = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
        MethodHandle sbWrite = linker.downcallHandle(so.find("sb_seq_write").orElseThrow(), fd, Linker.Option.critical(true));
        MethodHandle sbRead = linker.downcallHandle(so.find("sb_seq_read").orElseThrow(), fd, Linker.Option.critical(true));
        MethodHandle sbReadXor4 = linker.downcallHandle(so.find("sb_seq_read_xor4").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), Linker.Option.critical(true));
        MemorySegment writeSeg = MemorySegment.ofArray(writeBlock);
        MemorySegment readSeg = MemorySegment.ofArray(readBlock);
        // the random loops: sysbench's keeps its generator, block pointer and size in memory (sb_memory_loops.c)
        MemoryWorkload rndWrites = new MemoryWorkload(bytes, 0, MemoryWorkload.Scope.GLOBAL, MemoryWorkload.Oper.WRITE,
                MemoryWorkload.Access.RND, threads);
        MemoryWorkload rndReads = new MemoryWorkload(bytes, 0, MemoryWorkload.Scope.GLOBAL, MemoryWorkload.Oper.READ,
                MemoryWorkload.Access.RND, threads);
        FunctionDescriptor rndFd = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
        MethodHandle sbRndWrite = linker.downcallHandle(so.find("sb_rnd_write").orElseThrow(), rndFd, Linker.Option.critical(true));
        MethodHandle sbRndRead = linker.downcallHandle(so.find("sb_rnd_read").orElseThrow(), rndFd, Linker.Option.critical(true));

        List<Map<String, Loop>> perThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Worker w = write[t];
            Worker rd = read[t];
            Map<String, Loop> loops = loops(sbWrite, sbRead, writeSeg, readSeg, nat, words, w, rd);
            // what the read's consumer costs: sysbench's loop with Boxscope's four XORs, and Boxscope's
            // loop with no consumer instruction at all (a compiler blackhole)
            loops.put("read, sysbench's loop + 4 XORs, Boxscope's block", () -> {
                sink = (long) sbReadXor4.invokeExact(readSeg, words);
            });
            loops.put("read, Java loop into a blackhole, Boxscope's block", () -> blackholeRead(readBlock));
            Worker rw = rndWrites.worker(t);
            Worker rr = rndReads.worker(t);
            MemorySegment rwSeg = MemorySegment.ofArray(block(rw));
            MemorySegment rrSeg = MemorySegment.ofArray(block(rr));
            long seed = 0x9E3779B97F4A7C15L * (t + 1);
            loops.put("rnd write, sysbench's loop, Boxscope's block", () -> {
                sbRndWrite.invokeExact(rwSeg, words, seed, ~seed);
            });
            loops.put("rnd write, Boxscope's loop, Boxscope's block", rw::execute);
            loops.put("rnd read, sysbench's loop, Boxscope's block", () -> {
                sbRndRead.invokeExact(rrSeg, words, seed, ~seed);
            });
            loops.put("rnd read, Boxscope's loop, Boxscope's block", rr::execute);
            perThread.add(loops);
        }
        Map<String, List<Double>> mibs = new LinkedHashMap<>();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        List<Thread> running = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            Map<String, Loop> loops = perThread.get(t);
            Thread th = new Thread(() -> {
                try {
                    measure(loops, rounds, bytes, start, mibs);
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            th.start();
            running.add(th);
        }
        for (Thread th : running) {
            th.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        // SeqSinkRead when the JVM has the launcher's blackhole for ReadSink::consume, SeqRead (XOR accumulators) if not
        System.out.println("Boxscope's seq read loop: " + read[0].getClass().getSimpleName());
        System.out.printf("%-52s %10s %10s %10s%n", "loop and block (" + bytes / 1024 + " KiB, " + threads + " thread"
                + (threads > 1 ? "s" : "") + ")", "median", "best", "worst");
        Map<String, Double> median = new LinkedHashMap<>();
        Map<String, List<Double>> inOrder = new LinkedHashMap<>();
        for (var e : mibs.entrySet()) {
            inOrder.put(e.getKey(), new ArrayList<>(e.getValue()));
        }
        for (var e : mibs.entrySet()) {
            List<Double> x = e.getValue();
            Collections.sort(x);
            median.put(e.getKey(), x.get(x.size() / 2));
            System.out.printf("%-52s %10.0f %10.0f %10.0f   MiB per CPU-second%n", e.getKey(), x.get(x.size() / 2),
                    x.get(x.size() - 1), x.get(0));
        }
        for (String op : new String[] {"write", "read", "rnd write", "rnd read"}) {
            System.out.printf("%s: Boxscope's loop / sysbench's loop on the same block (medians) = %.2f%n", op,
                    median.get(op + ", Boxscope's loop, Boxscope's block") / median.get(op + ", sysbench's loop, Boxscope's block"));
        }
        // Each round runs every loop once, one after the other: the ratio of the two windows of one round
        // compares them under the same load, and the median of those ratios is steadier on a busy host.
        for (String op : new String[] {"write", "read", "rnd write", "rnd read"}) {
            List<Double> box = inOrder.get(op + ", Boxscope's loop, Boxscope's block");
            List<Double> sb = inOrder.get(op + ", sysbench's loop, Boxscope's block");
            List<Double> r = new ArrayList<>();
            for (int i = 0; i < Math.min(box.size(), sb.size()); i++) {
                r.add(box.get(i) / sb.get(i));
            }
            Collections.sort(r);
            System.out.printf("%s: per-round ratios, median %.2f (quartiles %.2f-%.2f)%n", op, r.get(r.size() / 2),
                    r.get(r.size() / 4), r.get(r.size() * 3 / 4));
        }
        for (String v : new String[] {"read, sysbench's loop + 4 XORs", "read, Java loop into a blackhole"}) {
            List<Double> x = inOrder.get(v + ", Boxscope's block");
            List<Double> sb = inOrder.get("read, sysbench's loop, Boxscope's block");
            List<Double> r = new ArrayList<>();
            for (int i = 0; i < Math.min(x.size(), sb.size()); i++) {
                r.add(x.get(i) / sb.get(i));
            }
            Collections.sort(r);
            System.out.printf("%s / sysbench's loop, per-round ratios: median %.2f (quartiles %.2f-%.2f)%n", v,
                    r.get(r.size() / 2), r.get(r.size() / 4), r.get(r.size() * 3 / 4));
        }
    }

    private static Map<String, Loop> loops(MethodHandle sbWrite, MethodHandle sbRead, MemorySegment writeSeg,
            MemorySegment readSeg, MemorySegment nat, long words, Worker write, Worker read) {
        Map<String, Loop> loops = new LinkedHashMap<>();
        loops.put("write, sysbench's loop, Boxscope's block", () -> {
            sbWrite.invokeExact(writeSeg, words);
        });
        loops.put("write, sysbench's loop, page-aligned block", () -> {
            sbWrite.invokeExact(nat, words);
        });
        loops.put("write, Boxscope's loop, Boxscope's block", write::execute);
        loops.put("read, sysbench's loop, Boxscope's block", () -> {
            sbRead.invokeExact(readSeg, words);
        });
        loops.put("read, sysbench's loop, page-aligned block", () -> {
            sbRead.invokeExact(nat, words);
        });
        loops.put("read, Boxscope's loop, Boxscope's block", read::execute);

        return loops;
    }

    /**
     * Each thread: for every round, every loop in turn, all threads starting together; a window is
     * 100 ms of the thread's own CPU time. Windows of every thread go into one list per loop.
     */
    private static void measure(Map<String, Loop> loops, int rounds, long bytes,
            java.util.concurrent.CyclicBarrier start, Map<String, List<Double>> mibs) throws Throwable {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < rounds + 3; r++) {
            for (var e : loops.entrySet()) {
                Loop loop = e.getValue();
                start.await();
                long c0 = mx.getCurrentThreadCpuTime();
                long c;
                long n = 0;
                do {
                    loop.run();
                    n++;
                    c = mx.getCurrentThreadCpuTime();
                } while (c - c0 < 100_000_000L);
                if (r >= 3) { // the first rounds warm the JIT up
                    double v = n * (bytes / 1048576.0) / ((c - c0) / 1e9);
                    synchronized (mibs) {
                        mibs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(v);
                    }
                }
            }
        }
    }

    /** The worker's block (MemoryWorkload.Base.buf): the array sysbench's loop is then run on. */
    private static long[] block(Worker w) throws ReflectiveOperationException {
        for (Class<?> c = w.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals("buf")) {
                    f.setAccessible(true);
                    return (long[]) f.get(w);
                }
            }
        }
        throw new IllegalStateException("no block field in " + w.getClass());
    }
}
