package io.boxscope.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.boxscope.bench.engine.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutex run takes sysbench 1.0.20's mutexes, thread by thread, in sysbench's order. The
 * expected indices are what sysbench itself locked, not what this code computes: captured from
 * {@code sysbench mutex --rand-seed=42 --threads=3 --mutex-locks=12 --mutex-loops=0 run} (default
 * --mutex-num 4096 and --percentile 95) with a pthread_mutex_init/pthread_mutex_lock interposer
 * (benchmarks/bench-vs-sysbench.d/mutex-picks, which prints them): each lock's address minus the
 * first of the 4096 mutexes sb_mutex.c initialises, over sizeof(thread_lock) (296 bytes), per
 * worker thread in creation order. Two runs gave the same lists; with --threads=2, --mutex-num=16
 * and --mutex-locks=8, threads 0 and 1 took 5 11 11 9 4 15 13 9 and 6 8 8 3 14 10 1 12.
 */
class MutexPicksTest {
    private static final int[][] SYSBENCH_SEED_42 = {
        {1482, 2883, 3060, 2504, 1081, 4091, 3453, 2483, 914, 1557, 1447, 3844},
        {1726, 2170, 2283, 905, 3790, 2696, 432, 3244, 1994, 2137, 1403, 2628},
        {1365, 3451, 1023, 3783, 3524, 2209, 1026, 578, 2125, 265, 1704, 3966},
    };

    /** A mutex that notes its index in the list of the thread that takes it. */
    private static final class Watched extends ReentrantLock {
        private static final ThreadLocal<List<Integer>> TAKEN = ThreadLocal.withInitial(ArrayList::new);
        private final int index;

        Watched(int index) {
            this.index = index;
        }

        @Override
        public void lock() {
            TAKEN.get().add(index);
            super.lock();
        }
    }

    private static List<Integer> picks(MutexWorkload w, int thread) throws Exception {
        Watched.TAKEN.get().clear();
        Worker worker = w.worker(thread);
        if (worker.next()) {
            worker.execute();
        }
        assertFalse(worker.next(), "one event per thread, as mutex_next_event gives");
        return new ArrayList<>(Watched.TAKEN.get());
    }

    private static List<Integer> list(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int x : a) {
            l.add(x);
        }
        return l;
    }

    @Test
    void seededThreadsTakeSysbenchsMutexesInOrder() throws Exception {
        // the drop-in passes histogramDraw = (--percentile > 0): 95 by default
        for (boolean histogramDraw : new boolean[] {true, false}) {
            MutexWorkload w = new MutexWorkload(4096, 12, 0, Watched::new);
            w.seeds(Seeds.of(42, 0, histogramDraw));
            for (int t = 0; t < 3; t++) {
                assertEquals(list(SYSBENCH_SEED_42[t]), picks(w, t), "thread " + t + ", histogramDraw " + histogramDraw);
            }
        }
    }

    @Test
    void fewMutexesAndAnEmptyLoopThatRuns() throws Exception {
        MutexWorkload w = new MutexWorkload(16, 8, 1000, Watched::new);
        w.seeds(Seeds.of(42, 0, true));
        assertEquals(List.of(5, 11, 11, 9, 4, 15, 13, 9), picks(w, 0));
        assertEquals(List.of(6, 8, 8, 3, 14, 10, 1, 12), picks(w, 1));
    }
}
