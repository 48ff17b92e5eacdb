package io.boxscope.tools.biosnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;
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

    /**
     * The line against java.util.Formatter with biosnoop.c's format strings (what Biosnoop used before it
     * padded by hand): times, sectors, sizes and latencies from small to past 10^15, ties at the printed
     * precision, a queue time of -1 (no insert seen), negative times (an I/O completed before the first one
     * seen), commands longer than 14 characters and disk names longer than 7.
     */
    @Test
    void lineIsWhatFormatterPrints() {
        Random r = new Random(7);
        String[] comms = {"", "dd", "kworker/u8:2", "exactly-14-chr", "a-very-long-command-name"};
        String[] disks = {"vda", "nvme0n1p12", "Unknown"};
        String[] rwbs = {"R", "WS", "FWFS", "RM"};
        long[] fixedNs = {0, 1, 499, 500, 999_999, 1_000_000, 1_000_500, 1_234_500, 2_500_000_000L, 999_999_999_999_999L,
            1_000_000_000_000_000L, Long.MAX_VALUE / 2};
        for (int i = 0; i < 20_000; i++) {
            long time = i < fixedNs.length ? fixedNs[i] : switch (i % 4) {
                case 0 -> r.nextLong(100_000_000_000L);
                case 1 -> r.nextLong(1_000_000) * 500; // ties at 6 decimals of seconds
                case 2 -> -r.nextLong(10_000_000_000L);
                default -> r.nextLong(Long.MAX_VALUE / 2);
            };
            long queued = i % 5 == 0 ? -1 : i < fixedNs.length ? fixedNs[i] : r.nextLong(1L << (1 + i % 50));
            long latency = i < fixedNs.length ? fixedNs[fixedNs.length - 1 - i] : i % 3 == 0 ? r.nextLong(2_000) * 500
                    : r.nextLong(1L << (1 + i % 60));
            String comm = comms[i % comms.length];
            Biosnoop.Event e = new Biosnoop.Event(time, 0, disks[i % disks.length], r.nextInt(1 << 22), comm.isEmpty() ? "?" : comm,
                    rwbs[i % rwbs.length], r.nextLong(1L << (1 + i % 62)), r.nextLong(1L << (1 + i % 40)), queued, latency);
            for (boolean q : new boolean[] {false, true}) {
                for (boolean t : new boolean[] {false, true}) {
                    Biosnoop.Options o = new Biosnoop.Options(q, null, 0, t);
                    StringBuilder want = new StringBuilder();
                    want.append(t ? String.format("%-12s ", "21:00:01.123") : String.format(Locale.ROOT, "%-11.6f ", time / 1e9));
                    String c = e.comm().length() > 14 ? e.comm().substring(0, 14) : e.comm();
                    want.append(String.format(Locale.ROOT, "%-14s %-7d %-7s %-4s %-10d %-7d ", c, e.pid(), e.disk(), e.rwbs(),
                            e.sector(), e.bytes()));
                    if (q) {
                        want.append(String.format(Locale.ROOT, "%7.3f ", queued == -1 ? -1.0 : queued / 1e6));
                    }
                    want.append(String.format(Locale.ROOT, "%7.3f\n", latency / 1e6));
                    assertEquals(want.toString(), Biosnoop.line(e, o, 0, "21:00:01.123"), e + " " + o);
                }
            }
        }
    }
}
