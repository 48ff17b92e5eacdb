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

    public long nextLong() {
        long a = s0;
        long b = s1;
        long result = a + b;
        b ^= a;
        // the original 2016 constants (55, 14, 36), which sysbench 1.0.20's xoroshiro128plus.h uses,
        // not the 2018 revision's (24, 16, 37): the same state then gives sysbench's sequence
        s0 = Long.rotateLeft(a, 55) ^ b ^ (b << 14);
        s1 = Long.rotateLeft(b, 36);
        return result;
    }

    /**
     * sysbench's sb_rand_uniform_double: the top 52 bits as the mantissa of a double in [1, 2),
     * minus 1, so the same state gives the same doubles as sysbench.
     */
    public double nextDouble() {
        return Double.longBitsToDouble(0x3FFL << 52 | nextLong() >>> 12) - 1.0;
    }
}
