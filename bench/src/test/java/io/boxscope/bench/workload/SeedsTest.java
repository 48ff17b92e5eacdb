package io.boxscope.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** sysbench's --rand-seed seeding: glibc's random() after srandom(N), four values per thread. */
class SeedsTest {
    /** Captured from glibc 2.36 on this machine: srandom(42) then random() eight times (a 3-line C program). */
    static final int[] GLIBC_42 = {71876166, 708592740, 1483128881, 907283241, 442951012, 537146758, 1366999021, 1854614940};

    @Test
    void glibcRandomAfterSrandom() {
        Seeds.GlibcRandom r = new Seeds.GlibcRandom(42);
        for (int expected : GLIBC_42) {
            assertEquals(expected, r.next());
        }
        Seeds.GlibcRandom zero = new Seeds.GlibcRandom(0); // srandom(0) is srandom(1)
        assertEquals(1804289383, zero.next());
        assertEquals(846930886, zero.next());
    }

    @Test
    void eachThreadTakesTheNextFourValuesAfterTheBackgroundThreads() {
        Xoroshiro t0 = Seeds.of(42, 0).forThread(0);
        Xoroshiro expected = Xoroshiro.ofState((long) GLIBC_42[0] << 32 | GLIBC_42[1], (long) GLIBC_42[2] << 32 | GLIBC_42[3]);
        assertEquals(expected.nextLong(), t0.nextLong());
        Xoroshiro t1 = Seeds.of(42, 0).forThread(1);
        Xoroshiro afterReporter = Seeds.of(42, 1).forThread(0);
        assertEquals(t1.nextLong(), afterReporter.nextLong());
        assertNotEquals(Seeds.of(42, 0).forThread(0).nextLong(), Seeds.of(43, 0).forThread(0).nextLong());
    }

    @Test
    void doublesAreSysbenchsTopFiftyTwoBits() {
        Xoroshiro a = Xoroshiro.ofState(1, 2);
        long x = Xoroshiro.ofState(1, 2).nextLong();
        assertEquals(Double.longBitsToDouble(0x3FFL << 52 | x >>> 12) - 1.0, a.nextDouble());
    }
}
