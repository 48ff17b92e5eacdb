package io.boxscope.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * --mutex-locks as sysbench 1.0.20 counts it: mutex_execute_event (src/tests/mutex/sb_mutex.c) locks once,
 * then {@code nlocks--} on an {@code unsigned int} (src/tests/sb_mutex.h) and loops {@code while (nlocks > 0)}.
 * The expected counts below are that C loop's, worked by hand: N > 0 locks N times; 0 locks once, wraps to
 * 2^32 - 1 and locks 2^32 - 1 more times; -1 (strtol's reading, then unsigned 2^32 - 1) locks 2^32 - 1 times.
 */
class MutexLocksTest {
    @Test
    void sysbenchsUnsignedCountWrapsAtZero() {
        assertEquals(1L, MutexWorkload.sysbenchLocks(1));
        assertEquals(50_000L, MutexWorkload.sysbenchLocks(50_000));
        assertEquals(4_294_967_296L, MutexWorkload.sysbenchLocks(0));
        assertEquals(4_294_967_295L, MutexWorkload.sysbenchLocks(-1));
        assertEquals(2_147_483_648L, MutexWorkload.sysbenchLocks(Integer.MIN_VALUE));
    }

    @Test
    void theWorkloadTakesCountsBeyondAnIntAndRefusesZero() {
        assertEquals(4_294_967_296L, new MutexWorkload(4, MutexWorkload.sysbenchLocks(0), 0).lockCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MutexWorkload(4, 0, 0));
        assertTrue(e.getMessage().contains("--mutex-locks must be at least 1") && !e.getMessage().contains("\n"),
                e.getMessage());
    }
}
