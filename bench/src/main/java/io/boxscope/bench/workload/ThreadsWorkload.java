package io.boxscope.bench.workload;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import io.boxscope.bench.engine.Worker;
import io.boxscope.bench.engine.Workload;

/**
 * sysbench's threads test (scheduler performance): --thread-locks mutexes; each event takes the
 * next mutex in turn (a shared counter modulo the number of locks) and --thread-yields times locks
 * it, yields the CPU (sched_yield, which is what Thread.yield does on Linux) and unlocks it.
 */
public final class ThreadsWorkload implements Workload {
    private final int yields;
    private final ReentrantLock[] locks;
    private final AtomicLong turn = new AtomicLong();

    public ThreadsWorkload(int yields, int locks) {
        if (yields < 0 || locks < 1) {
            throw new IllegalArgumentException("--thread-yields must be at least 0 and --thread-locks at least 1");
        }
        this.yields = yields;
        this.locks = new ReentrantLock[locks];
        for (int i = 0; i < locks; i++) {
            this.locks[i] = new ReentrantLock();
        }
    }

    public int yields() {
        return yields;
    }

    public int locks() {
        return locks.length;
    }

    @Override
    public String name() {
        return "threads";
    }

    @Override
    public Worker worker(int threadId) {
        return new Worker() {
            private ReentrantLock lock;

            @Override
            public boolean next() {
                lock = locks[(int) (turn.getAndIncrement() % locks.length)];
                return true;
            }

            @Override
            public void execute() {
                for (int i = 0; i < yields; i++) {
                    lock.lock();
                    try {
                        Thread.yield();
                    } finally {
                        lock.unlock();
                    }
                }
            }
        };
    }
}
