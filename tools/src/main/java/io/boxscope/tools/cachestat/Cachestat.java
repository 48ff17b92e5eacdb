package io.boxscope.tools.cachestat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.proc.HostPaths;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.hist.IntervalRun;
import io.boxscope.proc.Meminfo;

/**
 * libbpf-tools' cachestat on tracepoints (script {@code cachestat.bt}; its header and docs/tools.md
 * say how accesses and misses are counted without kprobes): page cache hits, misses, dirtied buffers
 * and the hit ratio per interval, with Buffers and Cached from /proc/meminfo, as cachestat.c prints them.
 */
public final class Cachestat {
    private Cachestat() {}

    /**
     * One interval.
     *
     * @param time      local time {@code HH:MM:SS} with -T, else null
     * @param hits      accesses minus misses (0 when misses exceed accesses: read-ahead added more
     *                  pages than were asked for; then misses are the accesses, as libbpf-tools)
     * @param misses    pages added to the page cache for reads
     * @param dirties   buffers marked dirty
     * @param ratio     hits / accesses, 0 without accesses
     * @param buffersKb /proc/meminfo Buffers in kB (printed in MiB, as libbpf-tools)
     * @param cachedKb  /proc/meminfo Cached in kB (printed in MiB)
     */
    public record Interval(String time, long hits, long misses, long dirties, double ratio, long buffersKb, long cachedKb) {}

    /** cachestat.c's arithmetic on one interval's counters. */
    public static Interval interval(long total, long misses, long mbd, Meminfo meminfo, String time) {
        if (total < 0) {
            total = 0;
        }
        if (misses < 0) {
            misses = 0;
        }
        long hits = total - misses;
        if (hits < 0) {
            misses = total;
            hits = 0;
        }
        double ratio = total > 0 ? (double) hits / total : 0.0;
        return new Interval(time, hits, misses, mbd, ratio, meminfo.require("Buffers"), meminfo.require("Cached"));
    }

    /**
     * The run: a line per interval from the script's {@code @total}, {@code @misses} and {@code @mbd}
     * (their growth since the previous report) and /proc/meminfo read at that moment.
     */
    public static IntervalRun<Interval> run(HostPaths paths, boolean timestamp) {
        return new IntervalRun<>(ToolScript.of(Cachestat.class, "cachestat"), List.of(), List.of("@total", "@misses", "@mbd"),
                (maps, time) -> {
                    Meminfo m;
                    try {
                        m = Meminfo.read(paths);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read " + paths.procRoot().resolve("meminfo"), e);
                    }
                    return interval(sum(maps.apply("@total")), sum(maps.apply("@misses")), sum(maps.apply("@mbd")), m,
                            timestamp ? time : null);
                });
    }

    /** The value of an unkeyed sum() or count() map, 0 while nothing was counted. */
    static long sum(MapDump m) {
        long s = 0;
        for (MapDump.Entry e : m.entries()) {
            s += switch (e.value()) {
                case MapValue.Sum v -> v.sum();
                case MapValue.Count c -> c.count();
                default -> throw new IllegalStateException(m.name() + " is not a sum() or count() map: " + e.value());
            };
        }
        return s;
    }

    public static String header(boolean timestamp) {
        return (timestamp ? String.format("%-8s ", "TIME") : "")
                + String.format("%8s %8s %8s %8s %12s %10s\n", "HITS", "MISSES", "DIRTIES", "HITRATIO", "BUFFERS_MB", "CACHED_MB");
    }

    public static String line(Interval i) {
        return (i.time() != null ? String.format("%-8s ", i.time()) : "")
                + String.format(Locale.ROOT, "%8d %8d %8d %7.2f%% %12d %10d\n", i.hits(), i.misses(), i.dirties(),
                100 * i.ratio(), i.buffersKb() / 1024, i.cachedKb() / 1024);
    }
}
