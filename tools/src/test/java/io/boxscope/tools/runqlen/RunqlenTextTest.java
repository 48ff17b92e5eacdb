package io.boxscope.tools.runqlen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** runqlen.c's output: print_linear_hist(slots, 32, 0, 1, "runqlen"), {@code "cpu = %d\n"}, {@code "runqocc: %0.2f%%\n"}, {@code "runqocc, CPU %-3d %6.2f%%\n"}. */
class RunqlenTextTest {
    static long[] slots(long... first) {
        long[] s = new long[Runqlen.MAX_SLOTS];
        System.arraycopy(first, 0, s, 0, first.length);
        return s;
    }

    @Test
    void histogram() {
        Runqlen.Report r = new Runqlen.Report(null, new Runqlen.Options(false, false, false, 99), List.of(slots(40, 0, 10)));
        assertEquals("\n"
                + "     runqlen       : count     distribution\n"
                + "        0          : 40       |****************************************|\n"
                + "        2          : 10       |**********                              |\n", Runqlen.text(r));
    }

    @Test
    void perCpuHistogramsAndAnEmptyCpu() {
        Runqlen.Report r = new Runqlen.Report("10:00:00", new Runqlen.Options(true, false, false, 99), List.of(slots(), slots(0, 5)));
        assertEquals("\n10:00:00\ncpu = 0\ncpu = 1\n"
                + "     runqlen       : count     distribution\n"
                + "        1          : 5        |****************************************|\n", Runqlen.text(r));
    }

    @Test
    void occupancy() {
        Runqlen.Report one = new Runqlen.Report(null, new Runqlen.Options(false, true, false, 99), List.of(slots(2, 1)));
        assertEquals("\nrunqocc: 33.33%\n", Runqlen.text(one));
        Runqlen.Report per = new Runqlen.Report(null, new Runqlen.Options(true, true, false, 99), List.of(slots(), slots(1, 1, 1, 1)));
        assertEquals("\nrunqocc, CPU 0     0.00%\nrunqocc, CPU 1    75.00%\n", Runqlen.text(per));
    }

    /** lhist(len, 0, 32, 1): bucket 0 below 0, bucket 1 + n length n, bucket 33 at or above 32 (folded into 31). */
    @Test
    void lhistBucketsToSlots() {
        long[] b = new long[34];
        b[1] = 7;
        b[3] = 2;
        b[32] = 1;
        b[33] = 4;
        long[] s = Runqlen.slots(b);
        assertEquals(7, s[0]);
        assertEquals(2, s[2]);
        assertEquals(5, s[31]);
    }
}
