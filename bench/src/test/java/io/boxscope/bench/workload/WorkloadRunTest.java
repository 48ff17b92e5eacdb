package io.boxscope.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.bench.engine.Engine;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.engine.RunResult;
import org.junit.jupiter.api.Test;

/** Short real runs of each in-memory workload; figures are checked for consistency, never for speed. */
class WorkloadRunTest {
    static RunResult run(io.boxscope.bench.engine.Workload w, RunOptions o) throws Exception {
        return new Engine(w, o, null).run();
    }

    @Test
    void primeCountingIsSysbenchs() {
        // sysbench counts the primes in [3, max): all primes below 10000 but 2
        assertEquals(1228, CpuWorkload.primes(10000));
        assertEquals(3, CpuWorkload.primes(8)); // 3, 5, 7
        assertEquals(0, CpuWorkload.primes(3));
        assertEquals(1, CpuWorkload.primes(4)); // 3
        assertEquals(7, CpuWorkload.primes(20)); // 3 5 7 11 13 17 19
    }

    @Test
    void eventsLimitGivesExactlyThatManyEvents() throws Exception {
        RunResult r = run(new CpuWorkload(10000), new RunOptions(2, 0, 100, 0, 0, 95, false, 0));
        assertEquals(100, r.events());
        assertEquals(2, r.threadEvents().length);
        assertTrue(r.latencyMinMs() > 0 && r.latencyMinMs() <= r.latencyAvgMs() && r.latencyAvgMs() <= r.latencyMaxMs());
        assertTrue(r.latencyPercentileMs() > 0);
        assertEquals(100, r.histogram().total());
    }

    @Test
    void timeLimitStopsTheRun() throws Exception {
        RunResult r = run(new CpuWorkload(2000), new RunOptions(1, 1.0, 0, 0, 0.1, 95, true, 0));
        assertTrue(r.seconds() >= 1.0 && r.events() > 0);
        assertTrue(r.intervals().size() >= 2, "interval reports: " + r.intervals());
    }

    @Test
    void memoryDoesTotalOverBlockOverThreadsEventsPerThread() throws Exception {
        MemoryWorkload w = new MemoryWorkload(1024, 1 << 20, MemoryWorkload.Scope.GLOBAL, MemoryWorkload.Oper.WRITE,
                MemoryWorkload.Access.SEQ, 2);
        RunResult r = run(w, new RunOptions(2, 0, 0, 0, 0, 95, false, 0));
        assertEquals(1024, r.events());
        assertEquals(512, r.threadEvents()[0]);
        assertEquals(512, r.threadEvents()[1]);
        for (MemoryWorkload.Oper op : MemoryWorkload.Oper.values()) {
            for (MemoryWorkload.Access a : MemoryWorkload.Access.values()) {
                MemoryWorkload m = new MemoryWorkload(4096, 1 << 20, MemoryWorkload.Scope.LOCAL, op, a, 1);
                assertEquals(256, run(m, new RunOptions(1, 0, 0, 0, 0, 95, false, 0)).events(), op + " " + a);
            }
        }
    }

    @Test
    void memoryWritesWhatSysbenchWrites() throws Exception {
        // sb_memory.c (1.0.20) event_seq_write: each word gets the number of words left to the end
        MemoryWorkload seq = new MemoryWorkload(64, 0, MemoryWorkload.Scope.LOCAL, MemoryWorkload.Oper.WRITE,
                MemoryWorkload.Access.SEQ, 1);
        io.boxscope.bench.engine.Worker w = seq.worker(0);
        w.execute();
        assertEquals(java.util.List.of(8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L),
                java.util.Arrays.stream(MemoryWorkload.block(w)).boxed().toList());
        // event_rnd_write stores the loop's byte offset (0, 8, ..., block - 8) at random words
        MemoryWorkload rnd = new MemoryWorkload(4096, 0, MemoryWorkload.Scope.LOCAL, MemoryWorkload.Oper.WRITE,
                MemoryWorkload.Access.RND, 1);
        io.boxscope.bench.engine.Worker r = rnd.worker(0);
        r.execute();
        long[] b = MemoryWorkload.block(r);
        long nonZero = java.util.Arrays.stream(b).filter(v -> v != 0).count();
        assertTrue(nonZero > 256, "512 random stores over 512 words leave about 323 distinct words: " + nonZero);
        for (long v : b) {
            assertTrue(v % 8 == 0 && v >= 0 && v < 4096, "a byte offset within the block: " + v);
        }
        assertTrue(java.util.Arrays.stream(b).anyMatch(v -> v > 511 * 1), "byte offsets, not word indexes");
    }

    @Test
    void sequentialReadFoldsEveryWordOfTheBlock() throws Exception {
        // The read loop keeps its loads alive by folding every word into the one value it compares
        // with NEVER; a word left out of the fold (a wrong bound, a missed tail word) would be a
        // load the JIT is free to delete. With one word set to NEVER and the others 0 the fold is
        // NEVER, so the worker records it, for each word of blocks from 1 to 64 words.
        for (long bytes = 8; bytes <= 512; bytes *= 2) {
            int words = (int) (bytes / 8);
            for (int k = 0; k < words; k++) {
                io.boxscope.bench.engine.Worker w = new MemoryWorkload(bytes, 0, MemoryWorkload.Scope.LOCAL,
                        MemoryWorkload.Oper.READ, MemoryWorkload.Access.SEQ, 1).worker(0);
                MemoryWorkload.block(w)[k] = MemoryWorkload.NEVER;
                w.execute();
                assertEquals(MemoryWorkload.NEVER, MemoryWorkload.sink(w), "word " + k + " of " + words);
            }
        }
        // and a block of zeros, whose fold is 0, records nothing
        io.boxscope.bench.engine.Worker z = new MemoryWorkload(4096, 0, MemoryWorkload.Scope.LOCAL,
                MemoryWorkload.Oper.READ, MemoryWorkload.Access.SEQ, 1).worker(0);
        z.execute();
        assertEquals(0, MemoryWorkload.sink(z));
    }

    @Test
    void memoryGlobalScopeSharesOneBlockAndLocalDoesNot() throws Exception {
        MemoryWorkload g = new MemoryWorkload(1024, 0, MemoryWorkload.Scope.GLOBAL, MemoryWorkload.Oper.READ,
                MemoryWorkload.Access.SEQ, 2);
        assertTrue(MemoryWorkload.block(g.worker(0)) == MemoryWorkload.block(g.worker(1)));
        MemoryWorkload l = new MemoryWorkload(1024, 0, MemoryWorkload.Scope.LOCAL, MemoryWorkload.Oper.READ,
                MemoryWorkload.Access.SEQ, 2);
        assertTrue(MemoryWorkload.block(l.worker(0)) != MemoryWorkload.block(l.worker(1)));
        assertEquals(128, MemoryWorkload.block(l.worker(0)).length, "1K block = 128 eight-byte words");
    }

    @Test
    void memoryRejectsBadBlocks() {
        assertThrows(IllegalArgumentException.class, () -> new MemoryWorkload(1000, 1 << 20, MemoryWorkload.Scope.GLOBAL,
                MemoryWorkload.Oper.WRITE, MemoryWorkload.Access.SEQ, 1));
        assertThrows(IllegalArgumentException.class, () -> new MemoryWorkload(4, 1 << 20, MemoryWorkload.Scope.GLOBAL,
                MemoryWorkload.Oper.WRITE, MemoryWorkload.Access.SEQ, 1));
    }

    @Test
    void threadsAndMutex() throws Exception {
        RunResult t = run(new ThreadsWorkload(100, 8), new RunOptions(2, 0, 50, 0, 0, 95, false, 0));
        assertEquals(50, t.events());
        RunResult m = run(new MutexWorkload(64, 1000, 100), new RunOptions(2, 10, 0, 0, 0, 95, false, 0));
        assertEquals(2, m.events(), "the mutex test is one event per thread");
    }

    @Test
    void rateLimitedRunsAndWarmup() throws Exception {
        RunResult r = run(new CpuWorkload(100), new RunOptions(1, 0.5, 0, 100, 0, 95, false, 0.2));
        assertTrue(r.events() > 10 && r.events() < 200, "about 50 events at 100/s in 0.5 s, got " + r.events());
    }
}
