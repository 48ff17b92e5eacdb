package io.boxscope.bench.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.bench.engine.Worker;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each memory loop does sysbench 1.0.20's accesses per event, no more and no fewer: the sequential
 * loops touch every word of the block once per event, the random ones make as many accesses as the
 * block has words, at the words sysbench's formula picks. Checked through the block's contents (the
 * loops have no counters: a counter in the loop would be work sysbench does not do), both in the
 * interpreter and after enough events for the JIT to compile the loop. Never a timing.
 */
class MemoryLoopCoverageTest {
    /** Events before the "compiled" check: well past C2's thresholds for a loop this hot. */
    private static final int WARM_EVENTS = 20_000;

    private static Worker worker(long bytes, MemoryWorkload.Oper oper, MemoryWorkload.Access access, Seeds seeds) {
        MemoryWorkload w = new MemoryWorkload(bytes, 0, MemoryWorkload.Scope.LOCAL, oper, access, 1);
        if (seeds != null) {
            w.seeds(seeds);
        }
        return w.worker(0);
    }

    @Test
    void sequentialWriteStoresEveryWordsDistanceToTheEnd() throws Exception {
        // event_seq_write stores end - buf (in words) into every word: 8 7 6 ... 1 for 8 words
        for (long bytes = 8; bytes <= 1 << 16; bytes *= 2) {
            int words = (int) (bytes / 8);
            Worker w = worker(bytes, MemoryWorkload.Oper.WRITE, MemoryWorkload.Access.SEQ, null);
            long[] b = MemoryWorkload.block(w);
            long[] expected = new long[words];
            for (int i = 0; i < words; i++) {
                expected[i] = words - i;
            }
            Arrays.fill(b, -1);
            w.execute();
            assertArrayEquals(expected, b, bytes + "-byte block, first event");
        }
        // the same after the JIT has compiled the loop (4 KiB blocks, 20,000 events)
        Worker w = worker(4096, MemoryWorkload.Oper.WRITE, MemoryWorkload.Access.SEQ, null);
        long[] b = MemoryWorkload.block(w);
        for (int e = 0; e < WARM_EVENTS; e++) {
            w.execute();
        }
        Arrays.fill(b, -1);
        w.execute();
        for (int i = 0; i < 512; i++) {
            assertEquals(512 - i, b[i], "word " + i + " after " + WARM_EVENTS + " events");
        }
    }

    @Test
    void sequentialReadLoadsEveryWordExactlyOnce() throws Exception {
        // The read loop XORs every word into its fold and records a fold equal to NEVER. Fill the
        // block with random words and choose the last so that the XOR of all of them is NEVER: a
        // word loaded twice cancels itself out of the fold, a word not loaded is missing from it,
        // and either way the fold differs from NEVER (but for a 2^-64 accident).
        SplittableRandom random = new SplittableRandom(11);
        for (long bytes = 8; bytes <= 1 << 16; bytes *= 2) {
            Worker w = worker(bytes, MemoryWorkload.Oper.READ, MemoryWorkload.Access.SEQ, null);
            long[] b = MemoryWorkload.block(w);
            foldTo(b, MemoryWorkload.NEVER, random);
            w.execute();
            assertEquals(MemoryWorkload.NEVER, MemoryWorkload.sink(w), bytes + "-byte block");
        }
        Worker w = worker(4096, MemoryWorkload.Oper.READ, MemoryWorkload.Access.SEQ, null);
        long[] b = MemoryWorkload.block(w);
        foldTo(b, 0, random); // random words whose XOR is 0: nothing recorded while the JIT warms up
        for (int e = 0; e < WARM_EVENTS; e++) {
            w.execute();
        }
        assertEquals(0, MemoryWorkload.sink(w), "a fold of 0 is never recorded");
        foldTo(b, MemoryWorkload.NEVER, random);
        w.execute();
        assertEquals(MemoryWorkload.NEVER, MemoryWorkload.sink(w), "compiled loop, 4 KiB block");
    }

    /** Random words, the last one chosen so that the XOR of all of them is {@code fold}. */
    private static void foldTo(long[] b, long fold, SplittableRandom random) {
        long x = 0;
        for (int i = 0; i < b.length - 1; i++) {
            b[i] = random.nextLong();
            x ^= b[i];
        }
        b[b.length - 1] = x ^ fold;
    }

    @Test
    void randomWriteMakesOneStorePerWordAtSysbenchsIndexes() throws Exception {
        // event_rnd_write: for i = 0, 8, 16, ... below the block size, the word
        // (int) (sb_rand_uniform_double() * words) gets i. The expected block is built here from the
        // same generator state; a second event must continue the sequence, which it does only if the
        // first drew exactly one value per word.
        int words = 512;
        Worker w = worker(words * 8L, MemoryWorkload.Oper.WRITE, MemoryWorkload.Access.RND, Seeds.of(42, 0));
        Xoroshiro g = Seeds.of(42, 0).forThread(0);
        long[] expected = new long[words];
        for (int event = 0; event < 3; event++) {
            long[] b = MemoryWorkload.block(w);
            Arrays.fill(b, -1);
            Arrays.fill(expected, -1);
            for (int i = 0; i < words; i++) {
                expected[(int) (g.nextDouble() * words)] = i * 8L;
            }
            w.execute();
            assertArrayEquals(expected, b, "event " + event);
        }
    }

    @Test
    void randomReadMakesOneLoadPerWordAtSysbenchsIndexes() throws Exception {
        // event_rnd_read loads (int) (sb_rand_uniform_double() * words), once per word. With NEVER in
        // word k and 0 elsewhere the loop records NEVER exactly when k was drawn; the draws are
        // replayed here from the same generator state, event after event.
        int words = 64;
        Worker w = worker(words * 8L, MemoryWorkload.Oper.READ, MemoryWorkload.Access.RND, Seeds.of(7, 0));
        Xoroshiro g = Seeds.of(7, 0).forThread(0);
        long[] b = MemoryWorkload.block(w);
        int recorded = 0;
        for (int event = 0; event < 64; event++) {
            int k = event % words;
            Arrays.fill(b, 0);
            b[k] = MemoryWorkload.NEVER;
            boolean drawn = false;
            for (int i = 0; i < words; i++) {
                drawn |= (int) (g.nextDouble() * words) == k;
            }
            w.execute();
            assertEquals(drawn ? MemoryWorkload.NEVER : 0, MemoryWorkload.sink(w), "event " + event + ", word " + k);
            recorded += drawn ? 1 : 0;
            MemoryWorkload.clearSink(w);
        }
        // 64 draws over 64 words leave a given word out with probability (63/64)^64 = 0.36: both outcomes occur
        assertTrue(recorded > 10 && recorded < 60, "events whose word was drawn: " + recorded);
    }
}
