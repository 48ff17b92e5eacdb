package io.boxscope.bench.workload;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
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
    private final long lockCount;
    private final int loops;
    @SuppressWarnings("unused") // read through SPIN
    private int spin;
    private long shared;

    public MutexWorkload(int num, long lockCount, int loops) {
        this(num, lockCount, loops, i -> new ReentrantLock());
    }

    /** The same, with mutex {@code i} made by {@code lock}: tests watch which mutexes a worker takes. */
    MutexWorkload(int num, long lockCount, int loops, IntFunction<ReentrantLock> lock) {
        if (lockCount < 1) {
            throw new IllegalArgumentException("--mutex-locks must be at least 1, got " + lockCount
                    + ": sysbench 1.0.20 counts it down in an unsigned int after the first lock, so 0 there means"
                    + " 4294967296 locks per thread (boxscope sysbench does that)");
        }
        if (num < 1 || loops < 0) {
            throw new IllegalArgumentException("--mutex-num must be at least 1, --mutex-loops at least 0");
        }
        this.locks = new ReentrantLock[num];
        for (int i = 0; i < num; i++) {
            locks[i] = lock.apply(i);
        }
        this.lockCount = lockCount;
        this.loops = loops;
    }

    public int num() {
        return locks.length;
    }

    public long lockCount() {
        return lockCount;
    }

    /**
     * How many locks sysbench 1.0.20 takes per thread for {@code --mutex-locks=value}: mutex_execute_event
     * is a do-while that locks once, then decrements {@code nlocks}, an {@code unsigned int}
     * (src/tests/sb_mutex.h), and loops while it is above 0 (src/tests/mutex/sb_mutex.c). A positive value
     * is that many locks; 0 wraps to 4294967295 after the first lock, 4294967296 in all; a negative value
     * (sb_get_value_int reads it with strtol) is its unsigned reading, -1 being 4294967295. The drop-in
     * {@code boxscope sysbench} runs exactly that; {@code boxscope bench mutex} refuses values below 1.
     */
    public static long sysbenchLocks(int value) {
        return value == 0 ? 1L << 32 : Integer.toUnsignedLong(value);
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

    /**
     * Each thread's one event, sysbench's mutex_execute_event: per lock, the mutex is drawn first,
     * {@code sb_rand_uniform(0, mutex_num - 1)} ({@code a + sb_rand_uniform_double() * (b - a + 1)}
     * in sb_rand.c, so the uniform double times --mutex-num, truncated), then the empty loop runs,
     * then the mutex is taken. With --rand-seed the generator is seeded as sysbench seeds it
     * ({@link Seeds}), so each thread takes sysbench's mutexes in sysbench's order. Unlike the memory
     * and fileio workers this one skips no histogram draw: sb_histogram_update draws after an event,
     * and a mutex thread's only event is over by then (mutex_next_event returns no second event), so
     * that draw never comes before a pick.
     */
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
                for (long k = 0; k < lockCount; k++) {
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
