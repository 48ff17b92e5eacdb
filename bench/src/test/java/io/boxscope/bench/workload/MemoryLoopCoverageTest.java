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

    /**
     * The words sysbench 1.0.20 picks for a 128-byte block (16 words) with --rand-seed=42, one line
     * per event, one hex digit per access in order: events 0 to 15, then events 20,000 to 20,002.
     * Printed by this C program (gcc 12, glibc 2.36), which is sb_memory.c's random loop on
     * sb_rand.h's sb_rand_uniform_double and xoroshiro128plus.h's generator, seeded as
     * sb_rand_thread_init seeds a thread (four random() values after srandom(42), SeedsTest):
     * <pre>
     * static uint64_t s[2];
     * static uint64_t rotl(uint64_t x, int k) { return (x &lt;&lt; k) | (x &gt;&gt; (64 - k)); }
     * static uint64_t next(void) { uint64_t s0 = s[0], s1 = s[1], r = s0 + s1; s1 ^= s0;
     *   s[0] = rotl(s0, 55) ^ s1 ^ (s1 &lt;&lt; 14); s[1] = rotl(s1, 36); return r; }
     * static double uniform(void) { union { uint64_t i; double d; } u = { .i = 0x3FFULL &lt;&lt; 52 | next() &gt;&gt; 12 };
     *   return u.d - 1.0; }
     * int main(int argc, char **argv) {
     *   long block = 128; int skip = argc &gt; 1;
     *   srandom(42);
     *   s[0] = ((uint64_t) random() &lt;&lt; 32) | ((uint64_t) random() &amp; UINT32_MAX);
     *   s[1] = ((uint64_t) random() &lt;&lt; 32) | ((uint64_t) random() &amp; UINT32_MAX);
     *   for (int e = 0; e &lt; 20003; e++) {
     *     for (long i = 0; i &lt; block; i += 8) { size_t w = (size_t) (uniform() * (block / 8));
     *       if (e &lt; 16 || e &gt;= 20000) printf("%zx", w); }
     *     if (e &lt; 16 || e &gt;= 20000) printf("\n");
     *     if (skip) next();   // sb_histogram_update's draw after each event (--percentile &gt; 0)
     *   }
     * }
     * </pre>
     * By hand, the first access: the state is (71876166 &lt;&lt; 32 | 708592740, 1483128881 &lt;&lt; 32 |
     * 907283241) = (0x0448be46_2a3c4464, 0x5866c031_36140b29); the output, their sum, is
     * 0x5caf7e77_60504f8d; its top 52 bits as a fraction are 0x5caf7e7760504 / 2^52 = 0.36205...,
     * times 16 words 5.79, so word 5, the first digit below.
     */
    private static final String[] SEED_42 = {
        "5bb94fd9365fcae9", "07b78a9654235d75", "a3951d23c74d7d75", "38eb7f043757406d",
        "b9037a7d3466b961", "2400141e68718fc8", "60055dd95bb5fde9", "d0dd7c033561c5db",
        "2ed80b47199d7484", "ceee917d991fc6fc", "46e6e83ea4d8351a", "27f98bfda13d5986",
        "e7bca695725f0ba6", "0dc9965d33f3236b", "8c28c38355c7d2c1", "c5b8de500705c9dc",
    };

    /** Events 20,000 to 20,002 of the same program. */
    private static final String[] SEED_42_LATER = {"611cf0285df12f21", "292495a50578bbcf", "105529d1b6a386a3"};

    /** The same program run with the histogram's draw between events (its {@code skip}): events 0 to 3. */
    private static final String[] SEED_42_HISTOGRAM = {"5bb94fd9365fcae9", "7b78a9654235d75a", "951d23c74d7d7538",
        "b7f043757406db90"};

    /** The block a write event leaves in a block of -1s when it accesses {@code words} (hex digits) in order. */
    private static long[] written(String words) {
        long[] b = new long[words.length()];
        Arrays.fill(b, -1);
        for (int j = 0; j < words.length(); j++) {
            b[Character.digit(words.charAt(j), 16)] = j * 8L; // event_rnd_write stores the byte offset i
        }
        return b;
    }

    @Test
    void randomWriteStoresAtTheWordsSysbenchPicksForASeed() throws Exception {
        Worker w = worker(128, MemoryWorkload.Oper.WRITE, MemoryWorkload.Access.RND, Seeds.of(42, 0));
        long[] b = MemoryWorkload.block(w);
        for (int event = 0; event < SEED_42.length; event++) {
            Arrays.fill(b, -1);
            w.execute();
            assertArrayEquals(written(SEED_42[event]), b, "event " + event);
        }
        // compiled: the loop draws exactly one value per word, or event 20,000 would start elsewhere
        for (int event = SEED_42.length; event < 20_000; event++) {
            w.execute();
        }
        for (int k = 0; k < SEED_42_LATER.length; k++) {
            Arrays.fill(b, -1);
            w.execute();
            assertArrayEquals(written(SEED_42_LATER[k]), b, "event " + (20_000 + k));
        }
    }

    @Test
    void randomWriteSkipsTheHistogramsDrawBetweenEvents() throws Exception {
        Worker w = worker(128, MemoryWorkload.Oper.WRITE, MemoryWorkload.Access.RND, Seeds.of(42, 0, true));
        long[] b = MemoryWorkload.block(w);
        for (int event = 0; event < SEED_42_HISTOGRAM.length; event++) {
            Arrays.fill(b, -1);
            w.execute();
            assertArrayEquals(written(SEED_42_HISTOGRAM[event]), b, "event " + event);
        }
    }

    @Test
    void randomReadLoadsTheWordsSysbenchPicksForASeed() throws Exception {
        // With NEVER in word k and 0 elsewhere the loop records NEVER exactly when it loads word k:
        // event e puts NEVER in word e, which sysbench's event e loads when its line has the digit e.
        Worker w = worker(128, MemoryWorkload.Oper.READ, MemoryWorkload.Access.RND, Seeds.of(42, 0));
        long[] b = MemoryWorkload.block(w);
        int recorded = 0;
        for (int event = 0; event < SEED_42.length; event++) {
            Arrays.fill(b, 0);
            b[event] = MemoryWorkload.NEVER;
            boolean drawn = SEED_42[event].indexOf(Character.forDigit(event, 16)) >= 0;
            w.execute();
            assertEquals(drawn ? MemoryWorkload.NEVER : 0, MemoryWorkload.sink(w), "event " + event + ", word " + event);
            recorded += drawn ? 1 : 0;
            MemoryWorkload.clearSink(w);
        }
        assertTrue(recorded > 0 && recorded < SEED_42.length, "both outcomes occur: " + recorded);
        Arrays.fill(b, 0);
        for (int event = SEED_42.length; event < 20_000; event++) {
            w.execute();
        }
        // compiled: event 20,000 loads word 6, event 20,001 never word 3, event 20,002 word 10 (SEED_42_LATER)
        int[] word = {6, 3, 10};
        boolean[] loaded = {true, false, true};
        for (int k = 0; k < 3; k++) {
            assertEquals(loaded[k], SEED_42_LATER[k].indexOf(Character.forDigit(word[k], 16)) >= 0, "the table");
            Arrays.fill(b, 0);
            b[word[k]] = MemoryWorkload.NEVER;
            MemoryWorkload.clearSink(w);
            w.execute();
            assertEquals(loaded[k] ? MemoryWorkload.NEVER : 0, MemoryWorkload.sink(w), "event " + (20_000 + k));
        }
    }

    /**
     * The random read with the blackhole consumer ({@code RndSinkRead}, built when the JVM has the launcher's
     * blackhole; this test JVM has not, so its consumer is an empty method here and the loads are not
     * observable): it draws what sysbench draws, one xoroshiro128+ value per word and, with the histogram's
     * draw, one more per event. After 16 events of a 16-word block for --rand-seed=42 its state is sysbench's
     * after 256 draws (272 with the histogram's), the state whose next event is event 16 of the C program in
     * {@link #SEED_42}'s Javadoc; the generator is checked against that program by the write tests above.
     */
    @Test
    void randomSinkReadDrawsOneValuePerWordAsSysbench() throws Exception {
        for (boolean histogram : new boolean[] {false, true}) {
            Seeds seeds = Seeds.of(42, 0, histogram);
            Worker w = new MemoryWorkload.RndSinkRead(new long[16], -1, seeds.forThread(0), seeds.histogramDraw());
            for (int event = 0; event < 16; event++) {
                w.execute();
            }
            // the generator after srandom(42) (SEED_42's Javadoc, by hand), stepped 256 or 272 times
            Xoroshiro x = Xoroshiro.ofState(0x0448be46_2a3c4464L, 0x5866c031_36140b29L);
            for (int k = 0; k < (histogram ? 272 : 256); k++) {
                x.nextLong();
            }
            assertArrayEquals(new long[] {x.state0(), x.state1()}, MemoryWorkload.state(w), "histogram " + histogram);
        }
    }
}
