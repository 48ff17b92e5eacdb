package io.boxscope.diagnose.serve;

import static io.boxscope.testkit.TextAssert.assertContainsAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapKind;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.Discovery;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.NativeHistogramBucket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serve's eBPF series from hand-made kernel maps: names and counts, the bounded and ever-growing
 * syscall and errno names, the histogram's classic and native buckets written out from the kernel's
 * log2 buckets, cgroups that are no exported container, malformed entries, absent collectors.
 */
class EbpfSeriesTest {
    static final SyscallTable TABLE = SyscallTable.current();
    static final Labels WEB = Labels.of("container", "web", "container_id", "c1", "image", "img");
    static final long CG = 4242;

    static Value.Int i(long v) {
        return new Value.Int(v, 64, false);
    }

    /** A map key of 64-bit integers, as the kernel maps' keys are read back. */
    static List<Value> key(long... key) {
        List<Value> k = new ArrayList<>();
        for (long x : key) {
            k.add(i(x));
        }
        return k;
    }

    static MapDump.Entry count(long count, long... key) {
        return new MapDump.Entry(key(key), new MapValue.Count(count));
    }

    static MapDump counts(String name, MapDump.Entry... e) {
        return new MapDump(name, MapKind.COUNT, true, List.of(e));
    }

    static MapDump hists(String name, MapDump.Entry... e) {
        return new MapDump(name, MapKind.HIST, true, List.of(e));
    }

    static MapDump sums(String name, MapDump.Entry... e) {
        return new MapDump(name, MapKind.SUM, true, List.of(e));
    }

    /** serve's series of one collector's {@code maps} for the one exported container, web (cgroup {@link #CG}). */
    static Families web(String collector, Map<String, MapDump> maps) {
        Families f = new Families();
        new EbpfSeries(TABLE, d -> "x").add(f, new KernelMaps.Reading(List.of(up(collector)), maps),
                List.of(new EbpfSeries.Exported("c1", CG, WEB)));
        return f;
    }

    static KernelMaps.Collector up(String name) {
        return new KernelMaps.Collector(name, Optional.empty(), 0, 3, 1);
    }

    static String text(Families f) throws Exception {
        return ContainerCollectorTest.exposition(f.build());
    }

    static String sys(String name) {
        return "boxscope_container_syscalls_total{container=\"web\",container_id=\"c1\",image=\"img\",syscall=\"" + name + "\"} ";
    }

    @Test
    void syscallsAndFailuresByNameAndErrno() throws Exception {
        int uname = TABLE.number("uname");
        int openat = TABLE.number("openat");
        int read = TABLE.number("read");
        Map<String, MapDump> maps = Map.of(
                "@calls", counts("@calls", count(7, CG, uname), count(50, CG, read), count(9, CG, openat)),
                "@errors", counts("@errors", count(3, CG, openat, 2), count(1, CG, openat, 13), count(2, CG, read, 11),
                        count(1, CG, read, 512)));
        Families f = new Families();
        new EbpfSeries(TABLE, d -> "vda").add(f, new KernelMaps.Reading(List.of(up("syscalls")), maps),
                List.of(new EbpfSeries.Exported("c1", CG, WEB)));
        String t = text(f);
        assertContainsAll(t,
                sys("uname") + "7.0\n",
                sys("read") + "50.0\n",
                sys("openat") + "9.0\n",
                sys("other") + "0.0\n");
        String l = "{container=\"web\",container_id=\"c1\",";
        assertContainsAll(t,
                "boxscope_container_syscall_errors_total" + l + "image=\"img\",syscall=\"openat\"} 4.0\n",
                "boxscope_container_syscall_errors_total" + l + "image=\"img\",syscall=\"read\"} 3.0\n",
                "boxscope_container_syscall_errors_by_errno_total" + l + "errno=\"ERESTARTSYS\",image=\"img\"} 1.0\n",
                "boxscope_container_syscall_errors_by_errno_total" + l + "errno=\"ENOENT\",image=\"img\"} 3.0\n",
                "boxscope_container_syscall_errors_by_errno_total" + l + "errno=\"EACCES\",image=\"img\"} 1.0\n",
                "boxscope_container_syscall_errors_by_errno_total" + l + "errno=\"EAGAIN\",image=\"img\"} 2.0\n",
                "boxscope_ebpf_collector_up{collector=\"syscalls\"} 1.0\n",
                "boxscope_ebpf_skipped_events_total{collector=\"syscalls\"} 3.0\n",
                "boxscope_ebpf_failed_map_updates_total{collector=\"syscalls\"} 1.0\n",
                "boxscope_ebpf_unmatched_cgroups 0.0\n");
    }

    /**
     * 45 syscalls at the first scrape: the 40 most frequent are named, 5 summed in other; a syscall
     * first seen at the second scrape joins other, and no series ever goes down.
     */
    @Test
    void syscallNamesAreBoundedAndCountersOnlyGrow() throws Exception {
        EbpfSeries series = new EbpfSeries(TABLE, d -> "x");
        List<MapDump.Entry> first = new ArrayList<>();
        for (int nr = 0; nr < 45; nr++) {
            first.add(count(100 - nr, CG, nr)); // nr 0 most frequent
        }
        Families f1 = new Families();
        series.add(f1, reading(first), List.of(new EbpfSeries.Exported("c1", CG, WEB)));
        String t1 = text(f1);
        assertEquals(41, t1.lines().filter(x -> x.startsWith("boxscope_container_syscalls_total{")).count(), t1);
        assertTrue(t1.contains(sys(TABLE.name(39)) + "61.0\n"), t1);
        assertFalse(t1.contains("syscall=\"" + TABLE.name(40) + "\""), t1);
        assertTrue(t1.contains(sys("other") + (60 + 59 + 58 + 57 + 56) + ".0\n"), t1); // nr 40..44
        List<MapDump.Entry> second = new ArrayList<>();
        for (int nr = 0; nr < 45; nr++) {
            second.add(count(100 - nr + (nr == 44 ? 1000 : 0), CG, nr)); // nr 44 now the most frequent
        }
        second.add(count(5000, CG, 50)); // new
        Families f2 = new Families();
        series.add(f2, reading(second), List.of(new EbpfSeries.Exported("c1", CG, WEB)));
        String t2 = text(f2);
        assertEquals(41, t2.lines().filter(x -> x.startsWith("boxscope_container_syscalls_total{")).count(), t2);
        assertFalse(t2.contains("syscall=\"" + TABLE.name(44) + "\""), t2);
        assertFalse(t2.contains("syscall=\"" + TABLE.name(50) + "\""), t2);
        assertTrue(t2.contains(sys("other") + (60 + 59 + 58 + 57 + 1056 + 5000) + ".0\n"), t2);
    }

    private static KernelMaps.Reading reading(List<MapDump.Entry> calls) {
        return new KernelMaps.Reading(List.of(up("syscalls")), Map.of("@calls", new MapDump("@calls", MapKind.COUNT, true, calls),
                "@errors", counts("@errors")));
    }

    /**
     * Kernel buckets (units of 2^-20 s): [1] = 2 below the unit, [2] = 3 in [2^-20, 2^-19) s, [22] = 5 in
     * [1, 2) s. Classic: le 2^-20 holds 2, le 2^-19 5, le 1 still 5, le 2 10, +Inf 10. Native schema 0:
     * zero bucket 2 (threshold 2^-20), bucket -19 holds 3, bucket 1 ((1, 2] s) holds 5.
     */
    @Test
    void runQueueLatencyAsClassicAndNativeBuckets() throws Exception {
        long[] b = new long[65];
        b[1] = 2;
        b[2] = 3;
        b[22] = 5;
        Map<String, MapDump> maps = Map.of(
                "@runq", hists("@runq", hist(b, CG)),
                "@runq_ns", sums("@runq_ns", sum(7_500_000_000L, CG)));
        Families f = web("runqlat", maps);
        MetricSnapshots snaps = f.build();
        String t = ContainerCollectorTest.exposition(snaps);
        String h = "boxscope_container_runqueue_latency_seconds_bucket{container=\"web\",container_id=\"c1\",image=\"img\",le=\"";
        assertContainsAll(t,
                h + "9.5367431640625E-7\"} 2\n",
                h + "1.9073486328125E-6\"} 5\n",
                h + "1.0\"} 5\n",
                h + "2.0\"} 10\n",
                h + "8.0\"} 10\n",
                h + "+Inf\"} 10\n",
                "boxscope_container_runqueue_latency_seconds_sum{container=\"web\",container_id=\"c1\",image=\"img\"} 7.5\n");
        HistogramSnapshot.HistogramDataPointSnapshot p = null;
        for (MetricSnapshot m : snaps) {
            if (m instanceof HistogramSnapshot hs) {
                p = hs.getDataPoints().getFirst();
            }
        }
        assertEquals(0, p.getNativeSchema());
        assertEquals(2, p.getNativeZeroCount());
        assertEquals(Math.scalb(1.0, -20), p.getNativeZeroThreshold());
        List<String> nativeBuckets = new ArrayList<>();
        for (NativeHistogramBucket nb : p.getNativeBucketsForPositiveValues()) {
            nativeBuckets.add(nb.getBucketIndex() + "=" + nb.getCount());
        }
        assertEquals(List.of("-19=3", "1=5"), nativeBuckets);
        assertEquals(10, p.getCount());
    }

    static MapDump.Entry hist(long[] buckets, long... key) {
        return new MapDump.Entry(key(key), new MapValue.Hist(buckets));
    }

    static MapDump.Entry sum(long ns, long... key) {
        return new MapDump.Entry(key(key), new MapValue.Sum(ns, false));
    }

    /**
     * Syscall latency by (cgroup, syscall number) merges into three operations per container: read,
     * pread64 and readv are "read"; write "write"; fsync and fdatasync "fsync"; a number serve does not
     * time makes no series; the sums add up per operation.
     */
    @Test
    void syscallLatencyByOperation() throws Exception {
        long[] oneUs = new long[65];
        oneUs[2] = 3; // [1, 2) units of 2^-20 s
        long[] ms = new long[65];
        ms[12] = 2; // [2^10, 2^11) units: about 1-2 ms
        Map<String, MapDump> maps = Map.of(
                "@slat", hists("@slat", hist(oneUs, CG, TABLE.number("read")),
                        hist(oneUs, CG, TABLE.number("pread64")), hist(oneUs, CG, TABLE.number("readv")),
                        hist(oneUs, CG, TABLE.number("write")), hist(ms, CG, TABLE.number("fsync")),
                        hist(ms, CG, TABLE.number("fdatasync")), hist(ms, CG, TABLE.number("uname"))),
                "@slat_ns", sums("@slat_ns", sum(1_000, CG, TABLE.number("read")),
                        sum(2_000, CG, TABLE.number("pread64")), sum(500_000_000, CG, TABLE.number("fsync")),
                        sum(250_000_000, CG, TABLE.number("fdatasync"))));
        Families f = web("syscalls", maps);
        String t = text(f);
        String p = "boxscope_container_syscall_latency_seconds_count{container=\"web\",container_id=\"c1\",image=\"img\",operation=\"";
        assertContainsAll(t,
                p + "read\"} 9\n",
                p + "write\"} 3\n",
                p + "fsync\"} 4\n");
        assertTrue(t.contains("boxscope_container_syscall_latency_seconds_sum{container=\"web\",container_id=\"c1\",image=\"img\","
                + "operation=\"fsync\"} 0.75\n"), t);
        assertTrue(t.contains("boxscope_container_syscall_latency_seconds_sum{container=\"web\",container_id=\"c1\",image=\"img\","
                + "operation=\"read\"} 3.0E-6\n"), t);
        assertEquals(3, t.lines().filter(x -> x.startsWith("boxscope_container_syscall_latency_seconds_count{")).count(), t);
    }

    /** Block I/O latency per container from @bio_cg; a cgroup of no exported container is counted, not shown. */
    @Test
    void blockIoLatencyPerContainer() throws Exception {
        long[] b = new long[65];
        b[10] = 16; // [2^8, 2^9) units: 244-488 us
        Map<String, MapDump> maps = Map.of(
                "@bio_cg", hists("@bio_cg", hist(b, CG), hist(b, 777)),
                "@bio_cg_ns", sums("@bio_cg_ns", sum(4_000_000, CG), sum(9, 777)));
        Families f = web("biolat", maps);
        String t = text(f);
        String l = "{container=\"web\",container_id=\"c1\",image=\"img\"";
        assertContainsAll(t,
                "boxscope_container_block_io_latency_seconds_count" + l + "} 16\n",
                "boxscope_container_block_io_latency_seconds_sum" + l + "} 0.004\n",
                "boxscope_container_block_io_latency_seconds_bucket" + l + ",le=\"2.44140625E-4\"} 0\n",
                "boxscope_container_block_io_latency_seconds_bucket" + l + ",le=\"4.8828125E-4\"} 16\n",
                "boxscope_ebpf_unmatched_cgroups 1.0\n");
        assertEquals(1, t.lines().filter(x -> x.startsWith("boxscope_container_block_io_latency_seconds_count")).count(), t);
    }

    /**
     * The scripts as loaded: the timed syscalls' numbers of this architecture in both programs of
     * syscalls.bt, and a raw tracepoint where block requests get their cgroup in biolat.bt; no
     * placeholder left.
     */
    @Test
    void scriptsAreFilledForThisKernel() throws Exception {
        String sys = HostEbpf.source("syscalls", TABLE);
        assertFalse(sys.contains("${"), sys);
        for (String name : List.of("read", "write", "pread64", "fsync", "fdatasync")) {
            assertEquals(2, sys.split("args->id == " + TABLE.number(name) + "[ )]", -1).length - 1, name + " in\n" + sys);
        }
        String bio = HostEbpf.source("biolat", TABLE);
        assertFalse(bio.contains("${"), bio);
        assertTrue(bio.contains("rawtracepoint:block_io_start\n") || bio.contains("rawtracepoint:block_rq_insert\n"), bio);
    }

    /**
     * A cgroup that is no exported container makes no series and is counted; keys of another shape
     * (a string, the wrong arity), negative and zero counts are skipped; an absent collector says so
     * and has no counters; disks are named from sysfs, or by their numbers.
     */
    @Test
    void hostileAndAbsentEntries(@TempDir Path sys) throws Exception {
        Files.createDirectories(sys.resolve("dev/block/254:0"));
        Files.writeString(sys.resolve("dev/block/254:0/uevent"), "MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\n");
        MapDump calls = new MapDump("@calls", MapKind.COUNT, true, List.of(count(5, 999, 1), count(4, CG, 1),
                new MapDump.Entry(List.of(new Value.Str("x"), i(1)), new MapValue.Count(8)), count(6, CG), count(-3, CG, 2), count(0, CG, 3)));
        long[] b = new long[65];
        b[12] = 4;
        b[13] = -7;
        Map<String, MapDump> maps = Map.of("@calls", calls, "@errors", counts("@errors", count(2, 998, 1, 2)),
                "@bio", hists("@bio", hist(b, 254L << 20), hist(b, 8L << 20 | 16)), "@bio_ns", sums("@bio_ns"),
                EbpfSeries.BIO_REPLACED, sums(EbpfSeries.BIO_REPLACED, sum(3, 254L << 20)));
        Families f = new Families();
        new EbpfSeries(TABLE, EbpfSeries.sysfsDeviceNames(sys)).add(f, new KernelMaps.Reading(List.of(up("syscalls"),
                new KernelMaps.Collector("runqlat", Optional.of("no CAP_BPF"), 0, 0, 0), up("biolat")), maps),
                List.of(new EbpfSeries.Exported("c1", CG, WEB)));
        String t = text(f);
        assertTrue(t.contains(sys(TABLE.name(1)) + "4.0\n"), t);
        assertEquals(2, t.lines().filter(x -> x.startsWith("boxscope_container_syscalls_total{")).count(), t);
        assertFalse(t.contains("999") || t.contains("998"), t);
        assertTrue(t.contains("boxscope_ebpf_unmatched_cgroups 2.0\n"), t);
        assertTrue(t.contains("boxscope_ebpf_collector_up{collector=\"runqlat\"} 0.0\n"), t);
        assertFalse(t.contains("boxscope_ebpf_skipped_events_total{collector=\"runqlat\"}"), t);
        assertTrue(t.contains("boxscope_disk_io_latency_seconds_count{device=\"vda\"} 4\n"), t);
        assertTrue(t.contains("boxscope_disk_io_latency_seconds_count{device=\"8:16\"} 4\n"), t);
        // requests whose start another at the same sector replaced: counted per disk beside the histogram
        assertTrue(t.contains("boxscope_disk_io_unmatched_requests_total{device=\"vda\"} 3.0\n"), t);
        assertFalse(t.contains("boxscope_disk_io_unmatched_requests_total{device=\"8:16\"}"), t);
    }

    /** Through the collector: each scrape watches the exported containers' cgroup ids and labels their series. */
    @Test
    void theCollectorWatchesItsContainersCgroups() throws Exception {
        Path root = ContainerCollectorTest.fixture();
        ContainerInfo c = ContainerCollectorTest.container(root, ContainerCollectorTest.ID, "web");
        ContainerInfo withId = new ContainerInfo(c.ref(), c.name(), c.image(), c.pids(), c.cgroups(), c.unifiedPath(),
                OptionalLong.of(CG), c.limits());
        ContainerInfo noV2 = new ContainerInfo(c.ref(), "other", c.image(), c.pids(), c.cgroups(), c.unifiedPath(),
                OptionalLong.empty(), c.limits());
        Set<Long> watched = new HashSet<>();
        KernelMaps kernel = new KernelMaps() {
            @Override
            public void watch(Set<Long> ids) {
                watched.clear();
                watched.addAll(ids);
            }

            @Override
            public Reading read() {
                return new Reading(List.of(up("syscalls")), Map.of("@calls", counts("@calls", count(11, CG, 0)), "@errors", counts("@errors")));
            }
        };
        ContainerCollector collector = new ContainerCollector(() -> new Discovery(List.of(withId, noV2), 0, 0, List.of()),
                new HostPaths(root.resolve("proc"), root.resolve("sys")), 0, 100, ContainerCollector.PSS_MAX_AGE_NANOS, false, kernel);
        String t = ContainerCollectorTest.exposition(collector.collect());
        assertEquals(Set.of(CG), watched);
        assertTrue(t.contains("boxscope_container_syscalls_total{container=\"web\",container_id=\"" + ContainerCollectorTest.ID
                + "\",image=\"boxscope-test/busybox:latest\",syscall=\"" + TABLE.name(0) + "\"} 11.0\n"), t);
    }
}
