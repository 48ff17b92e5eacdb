package io.boxscope.bench.workload;

import io.boxscope.bench.engine.Worker;
import io.boxscope.bench.engine.Workload;

/**
 * sysbench's cpu test: one event is one full pass of trial division over every number from 3 up to
 * (not including) --cpu-max-prime, dividing by 2..sqrt(n) with 64-bit remainders until a divisor is
 * found, as sysbench's sb_cpu.c does, so each event does the same divisions and events per second
 * are directly comparable.
 */
public final class CpuWorkload implements Workload {
    private final long maxPrime;

    public CpuWorkload(long maxPrime) {
        if (maxPrime < 3) {
            throw new IllegalArgumentException("--cpu-max-prime must be at least 3, got " + maxPrime);
        }
        this.maxPrime = maxPrime;
    }

    public long maxPrime() {
        return maxPrime;
    }

    @Override
    public String name() {
        return "cpu";
    }

    /** The primes in [3, maxPrime) found by one event: what sysbench counts and throws away. */
    public static long primes(long maxPrime) {
        long n = 0;
        for (long c = 3; c < maxPrime; c++) {
            double t = Math.sqrt((double) c);
            // sysbench's inner loop runs while l <= t; for whole numbers l that is l <= floor(t).
            // Counting with an int up to that bound lets the JIT compile a counted loop; the work
            // per iteration (one 64-bit remainder, one test) is sysbench's.
            int limit = (int) t;
            int l;
            for (l = 2; l <= limit; l++) {
                if (c % (long) l == 0) {
                    break;
                }
            }
            if (l > t) {
                n++;
            }
        }
        return n;
    }

    @Override
    public Worker worker(int threadId) {
        return new CpuWorker(maxPrime);
    }

    static final class CpuWorker implements Worker {
        private final long maxPrime;
        /** Keeps the result alive so the JIT cannot drop the loop. */
        long sink;

        CpuWorker(long maxPrime) {
            this.maxPrime = maxPrime;
        }

        @Override
        public boolean next() {
            return true;
        }

        @Override
        public void execute() {
            sink += primes(maxPrime);
        }
    }
}
