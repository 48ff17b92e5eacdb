package io.boxscope.tools.biosnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.boxscope.proc.Partitions;
import org.junit.jupiter.api.Test;

/**
 * biosnoop's lines. libbpf-tools' biosnoop cannot load on this kernel (it needs fentry), so the
 * expected text is written from biosnoop.c's format strings: {@code "%-11s "} or {@code "%-12s "}, then
 * {@code "%-14s %-7s %-7s %-4s %-10s %-7s "}, {@code "%7s "} with -Q and {@code "%7s\n"}.
 */
class BiosnoopTextTest {
    private static final Partitions VDA = Partitions.parse("major minor  #blocks  name\n\n 254        0  268435456 vda\n");

    @Test
    void headerAndLine() {
        Biosnoop.Options o = new Biosnoop.Options(false, null, 0, false);
        assertEquals("TIME(s)     COMM           PID     DISK    T    SECTOR     BYTES   LAT(ms)\n", Biosnoop.header(o));
        Biosnoop.Event e = Biosnoop.event(2_500_000_000L, Partitions.dev(254, 0), 4242, "dd", "WS", 171972608, 1048576, -1,
                1_033_498, VDA, false);
        assertEquals("1.500000    dd             4242    vda     WS   171972608  1048576   1.033\n", Biosnoop.line(e, o, 1_000_000_000L, null));
    }

    @Test
    void queuedColumnAndTimestamp() {
        Biosnoop.Options o = new Biosnoop.Options(true, null, 0, true);
        assertEquals("TIMESTAMP    COMM           PID     DISK    T    SECTOR     BYTES   QUE(ms) LAT(ms)\n", Biosnoop.header(o));
        Biosnoop.Event noInsert = Biosnoop.event(5, Partitions.dev(8, 0), 0, "", "R", 8, 4096, -1, 250_000, VDA, false);
        assertEquals("21:00:01.123 ?              0       Unknown R    8          4096     -1.000   0.250\n",
                Biosnoop.line(noInsert, o, 0, "21:00:01.123"));
        Biosnoop.Event noScheduler = Biosnoop.event(5, Partitions.dev(254, 0), 1, "a-very-long-command", "R", 8, 4096, -1, 250_000, VDA, true);
        assertEquals("21:00:01.123 a-very-long-co 1       vda     R    8          4096      0.000   0.250\n",
                Biosnoop.line(noScheduler, o, 0, "21:00:01.123"));
    }
}
