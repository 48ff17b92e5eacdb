package io.boxscope.bench.engine;

import java.io.IOException;

/**
 * A benchmark: creates one {@link Worker} per thread and exposes its cumulative counters. Sealed:
 * the reports switch over the five sysbench tests, and a new one must be added to each of them.
 */
public sealed interface Workload extends AutoCloseable permits io.boxscope.bench.workload.CpuWorkload,
        io.boxscope.bench.workload.MemoryWorkload, io.boxscope.bench.fileio.FileIoWorkload,
        io.boxscope.bench.workload.ThreadsWorkload, io.boxscope.bench.workload.MutexWorkload {
    /** sysbench's test name: cpu, memory, fileio, threads, mutex. */
    String name();

    Worker worker(int threadId) throws IOException;

    /**
     * The workload's own cumulative counters (e.g. fileio bytes read), read racily by the interval
     * reporter; names come from {@link #counterNames()}.
     */
    default long[] counters() {
        return new long[0];
    }

    default String[] counterNames() {
        return new String[0];
    }

    /** Whether the workload stops by itself (memory's total size, mutex's one event per thread). */
    default boolean selfLimited() {
        return false;
    }

    /**
     * Where the workers' random generators start (sysbench's --rand-seed); set before the run. Only
     * workloads that draw random numbers (memory rnd, fileio rnd*, mutex) use it.
     */
    default void seeds(io.boxscope.bench.workload.Seeds seeds) {}

    /**
     * The counters, then zero, in one step as far as the workload can make it one (a checkpoint
     * report of sysbench's --report-checkpoints starts the counters over).
     */
    default long[] takeCounters() {
        long[] c = counters();
        reset();
        return c;
    }

    /** Resets counters between a warm-up and the measured run. */
    default void reset() {}

    @Override
    default void close() throws IOException {}
}
