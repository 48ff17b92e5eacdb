package io.boxscope.bench.workload;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;
import io.boxscope.bench.engine.Worker;
import io.boxscope.bench.engine.Workload;

/**
 * sysbench's mutex test: every thread does exactly one event, which --mutex-locks times spins an
 * empty loop of --mutex-loops iterations, then locks a random one of --mutex-num mutexes, increments
 * a shared variable and unlocks. The empty loop reads a field with an opaque load per iteration so
 * the JIT cannot delete it (sysbench uses a compiler barrier for the same purpose), in a method of
 * its own ({@link #spin}).
 */
public final class MutexWorkload implements Workload {
    private volatile io.boxscope.bench.workload.Seeds seeds = io.boxscope.bench.workload.Seeds.fromClock();

    @Override
    public void seeds(io.boxscope.bench.workload.Seeds seeds) {
        this.seeds = seeds;
    }

    private static final VarHandle SPIN;

    static {
        try {
            SPIN = MethodHandles.lookup().findVarHandle(MutexWorkload.class, "spin", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ReentrantLock[] locks;
    private final int lockCount;
    private final int loops;
    @SuppressWarnings("unused") // read through SPIN
    private int spin;
    private long shared;

    public MutexWorkload(int num, int lockCount, int loops) {
        if (num < 1 || lockCount < 0 || loops < 0) {
            throw new IllegalArgumentException("--mutex-num must be at least 1, --mutex-locks and --mutex-loops at least 0");
        }
        this.locks = new ReentrantLock[num];
        for (int i = 0; i < num; i++) {
            locks[i] = new ReentrantLock();
        }
        this.lockCount = lockCount;
        this.loops = loops;
    }

    public int num() {
        return locks.length;
    }

    public int lockCount() {
        return lockCount;
    }

    public int loops() {
        return loops;
    }

    @Override
    public String name() {
        return "mutex";
    }

    @Override
    public boolean selfLimited() {
        return true;
    }

    /**
     * The empty loop: one opaque load and one add per iteration, which C2 compiles to a four-
     * instruction counted loop (load+add, increment, compare, branch), sysbench's being three
     * (increment, compare with the bound reloaded from memory, branch; gcc reloads it because of
     * the barrier). It is a method of its own because each thread's one event is a single call of
     * {@code execute()}: written inline, the loop runs in on-stack-replacement code compiled for an
     * entry in the middle of the nested loops, where C2 made it eleven instructions with the sum
     * kept on the stack and a safepoint poll per iteration (docs/bench.md, "mutex"). Here it is a
     * loop on its own, called --mutex-locks times, compiled as such.
     */
    private int spin(int n) {
        int c = 0;
        for (int i = 0; i < n; i++) {
            c += (int) SPIN.getOpaque(this);
        }
        return c;
    }

    @Override
    public Worker worker(int threadId) {
        Xoroshiro rnd = seeds.forThread(threadId);
        return new Worker() {
            private boolean done;
            long sink;

            @Override
            public boolean next() {
                if (done) {
                    return false;
                }
                done = true;
                return true;
            }

            @Override
            public void execute() {
                int c = 0;
                for (int k = 0; k < lockCount; k++) {
                    ReentrantLock l = locks[(int) (rnd.nextDouble() * locks.length)];
                    c += spin(loops);
                    l.lock();
                    try {
                        shared++;
                    } finally {
                        l.unlock();
                    }
                }
                sink += c;
            }
        };
    }
}
