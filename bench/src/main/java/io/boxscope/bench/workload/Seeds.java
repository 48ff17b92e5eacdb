package io.boxscope.bench.workload;

/**
 * Where each worker thread's generator starts. By default from the clock; with sysbench's
 * --rand-seed N as sysbench 1.0.20 seeds them: {@code srandom(N)} when the run starts
 * (print_run_mode), then every thread that starts draws four {@code random()} values for its
 * xoroshiro128+ state (sb_rand_thread_init: {@code s0 = r1 << 32 | r2}, {@code s1 = r3 << 32 | r4}).
 * Background threads (interval reporter, rate generator, checkpoint reporter) are created before
 * the workers and draw first, so {@code background} is how many of them run. sysbench's threads
 * start in creation order unless the scheduler reorders them; here the order is always that one.
 */
public final class Seeds {
    private final long seed;
    private final int background;
    private final boolean histogramDraw;

    private Seeds(long seed, int background, boolean histogramDraw) {
        this.seed = seed;
        this.background = background;
        this.histogramDraw = histogramDraw;
    }

    /** Clock-seeded generators (sysbench's --rand-seed=0). */
    public static Seeds fromClock() {
        return new Seeds(0, 0, false);
    }

    /** sysbench's --rand-seed=seed with {@code background} helper threads started before the workers. */
    public static Seeds of(long seed, int background) {
        return of(seed, background, false);
    }

    /**
     * The same; {@code histogramDraw}: sysbench's histogram update (sb_histogram_update, with
     * --percentile above 0) takes one value from the worker's generator after every event, to pick
     * a slot array. A workload that wants its requests to be sysbench's, event after event, skips
     * one value between events when this is set ({@link #histogramDraw()}).
     */
    public static Seeds of(long seed, int background, boolean histogramDraw) {
        if (background < 0) {
            throw new IllegalArgumentException("background threads cannot be negative");
        }
        return new Seeds(seed, background, histogramDraw);
    }

    /** Whether a seeded workload should skip one value between events (see {@link #of(long, int, boolean)}). */
    public boolean histogramDraw() {
        return seed != 0 && histogramDraw;
    }

    public long seed() {
        return seed;
    }

    /** The generator of worker {@code threadId}. */
    public Xoroshiro forThread(int threadId) {
        if (seed == 0) {
            return new Xoroshiro(System.nanoTime() ^ (0x9E3779B97F4A7C15L * (threadId + 1)));
        }
        GlibcRandom r = new GlibcRandom((int) seed);
        long skip = 4L * (background + threadId);
        for (long i = 0; i < skip; i++) {
            r.next();
        }
        long s0 = ((long) r.next() << 32) | (r.next() & 0xFFFFFFFFL);
        long s1 = ((long) r.next() << 32) | (r.next() & 0xFFFFFFFFL);
        return Xoroshiro.ofState(s0, s1);
    }

    /**
     * glibc's random() after srandom(seed) (the default TYPE_3 additive feedback generator, degree
     * 31, separation 3): the table is filled by 16807 * r mod (2^31 - 1), the first 310 outputs are
     * discarded, each output is the sum of the words 31 and 3 places back, shifted right once.
     */
    static final class GlibcRandom {
        private final int[] ring = new int[34];
        private long n;

        GlibcRandom(int seed) {
            ring[0] = seed == 0 ? 1 : seed; // srandom(0) seeds with 1
            for (int i = 1; i < 31; i++) {
                long prev = ring[i - 1];
                long word = 16807 * (prev % 127773) - 2836 * (prev / 127773);
                if (word < 0) {
                    word += 2147483647;
                }
                ring[i] = (int) word;
            }
            for (int i = 31; i < 34; i++) {
                ring[i] = ring[i - 31];
            }
            n = 34;
            for (int i = 0; i < 310; i++) {
                step();
            }
        }

        private int step() {
            int v = ring[(int) ((n - 31) % 34)] + ring[(int) ((n - 3) % 34)];
            ring[(int) (n % 34)] = v;
            n++;
            return v;
        }

        /** The next value, in [0, 2^31). */
        int next() {
            return step() >>> 1;
        }
    }
}
