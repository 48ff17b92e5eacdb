package io.boxscope.bench.workload;

/**
 * xoroshiro128+ (Blackman and Vigna), the generator behind sysbench's sb_rand_uniform_double: a
 * double in [0, 1) from the top 53 bits. One per thread; not thread-safe.
 */
public final class Xoroshiro {
    private long s0;
    private long s1;

    public Xoroshiro(long seed) {
        // splitmix64 spreads one seed over the two words of state, which must not both be zero.
        s0 = mix(seed += 0x9E3779B97F4A7C15L);
        s1 = mix(seed + 0x9E3779B97F4A7C15L);
        if ((s0 | s1) == 0) {
            s1 = 1;
        }
    }

    private Xoroshiro(long s0, long s1, boolean raw) {
        this.s0 = s0;
        this.s1 = s1;
    }

    /** A generator with exactly this state (sysbench's sb_rng_state), e.g. from {@link Seeds}. */
    public static Xoroshiro ofState(long s0, long s1) {
        return new Xoroshiro(s0, s1, true);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** This generator's state, for a loop that keeps it elsewhere (MemoryWorkload's random loops). */
    long state0() {
        return s0;
    }

    long state1() {
        return s1;
    }

    /**
     * The first word of the state after one step from {@code (s0, s1)}. The original 2016 constants
     * (55, 14, 36), which sysbench 1.0.20's xoroshiro128plus.h uses, not the 2018 revision's
     * (24, 16, 37): the same state then gives sysbench's sequence.
     */
    static long step0(long s0, long s1) {
        long b = s1 ^ s0;
        return Long.rotateLeft(s0, 55) ^ b ^ (b << 14);
    }

    /** The second word of the state after one step from {@code (s0, s1)}. */
    static long step1(long s0, long s1) {
        return Long.rotateLeft(s1 ^ s0, 36);
    }

    /**
     * sysbench's sb_rand_uniform_double of one output: its top 52 bits as the mantissa of a double
     * in [1, 2), minus 1, so the same state gives the same doubles as sysbench.
     */
    static double uniform(long output) {
        return Double.longBitsToDouble(0x3FFL << 52 | output >>> 12) - 1.0;
    }

    /** The next output: the sum of the two state words, then one step. */
    public long nextLong() {
        long a = s0;
        long b = s1;
        s0 = step0(a, b);
        s1 = step1(a, b);
        return a + b;
    }

    /** sysbench's sb_rand_uniform_double: a double in [0, 1) from the next output. */
    public double nextDouble() {
        return uniform(nextLong());
    }
}
