package io.boxscope.tools.cachestat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.boxscope.proc.Meminfo;
import org.junit.jupiter.api.Test;

/**
 * cachestat's arithmetic and lines. libbpf-tools' cachestat cannot load on this kernel (kprobes and
 * fentry), so the expected text is written from cachestat.c's format strings
 * ({@code "%8s %8s %8s %8s %12s %10s\n"}, {@code "%8lld %8lld %8llu %7.2f%% %12llu %10llu\n"}).
 */
class CachestatTextTest {
    private static final Meminfo MEM = Meminfo.parse("MemTotal: 100 kB\nBuffers:          102716 kB\nCached:          6211708 kB\n");

    @Test
    void header() {
        assertEquals("    HITS   MISSES  DIRTIES HITRATIO   BUFFERS_MB  CACHED_MB\n", Cachestat.header(false));
        assertEquals("TIME         HITS   MISSES  DIRTIES HITRATIO   BUFFERS_MB  CACHED_MB\n", Cachestat.header(true));
    }

    @Test
    void interval() {
        Cachestat.Interval i = Cachestat.interval(4105, 4096, 3, MEM, null);
        assertEquals(9, i.hits());
        assertEquals("       9     4096        3    0.22%          100       6066\n", Cachestat.line(i));
        assertEquals("21:00:01     4105        0        0  100.00%          100       6066\n",
                Cachestat.line(Cachestat.interval(4105, 0, 0, MEM, "21:00:01")));
    }

    /** Read-ahead can add more pages than were asked for: then every access is a miss, as libbpf-tools decide. */
    @Test
    void moreMissesThanAccesses() {
        Cachestat.Interval i = Cachestat.interval(10, 32, 0, MEM, null);
        assertEquals(0, i.hits());
        assertEquals(10, i.misses());
        assertEquals("       0       10        0    0.00%          100       6066\n", Cachestat.line(i));
        assertEquals(0, Cachestat.interval(-5, -2, 0, MEM, null).misses());
    }
}
