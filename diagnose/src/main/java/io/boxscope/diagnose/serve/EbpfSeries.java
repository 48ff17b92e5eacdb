package io.boxscope.diagnose.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.probe.output.MapDump;
import io.prometheus.metrics.model.snapshots.Unit;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;
import io.prometheus.metrics.model.snapshots.Labels;

/**
 * Turns the kernel maps of {@link KernelMaps} into serve's eBPF series. Pure: tested on hand-made
 * maps.
 *
 * <p>Cardinality is bounded per container: at most {@link #TOP_SYSCALLS} syscall names and
 * {@link #TOP_ERRNOS} errno names, the rest summed under {@code other}. The names are chosen so that
 * every counter only grows: a syscall (errno) is named when first seen, while the container has fewer
 * than the limit named (on the first scrape, the most frequent first); one first seen later stays in
 * {@code other} for good. Were the top N re-chosen each scrape, a count moving from {@code other} to
 * its name would make {@code other} go down, which Prometheus reads as a counter reset.
 *
 * <p>Entries of cgroups that are not an exported container (its container just ended, or is over
 * {@code --max-containers}) make no series; how many such cgroups there were is a gauge.
 */
final class EbpfSeries {
    static final int TOP_SYSCALLS = 40;
    static final int TOP_ERRNOS = 10;
    static final String OTHER = "other";
    /**
     * The system calls whose latency serve times, by name, with the {@code operation} label they are
     * exported under (boxscope_container_syscall_latency_seconds): a bounded three per container.
     */
    static final Map<String, String> TIMED = timed();

    private static Map<String, String> timed() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String s : List.of("read", "readv", "pread64", "preadv", "preadv2")) {
            m.put(s, "read");
        }
        for (String s : List.of("write", "writev", "pwrite64", "pwritev", "pwritev2")) {
            m.put(s, "write");
        }
        m.put("fsync", "fsync");
        m.put("fdatasync", "fsync");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** One exported container: its cgroup v2 id and its labels. */
    record Exported(String containerId, long cgroupId, Labels labels) {}

    private final SyscallTable table;
    private final LongFunction<String> deviceName;
    /** Named syscalls and errnos of each container (by container id), kept while it is exported. */
    private final Map<String, Names> names = new HashMap<>();

    EbpfSeries(SyscallTable table, LongFunction<String> deviceName) {
        this.table = table;
        this.deviceName = deviceName;
    }

    /**
     * The disk's name from {@code SYS/dev/block/MAJ:MIN/uevent} ({@code DEVNAME=}), else
     * {@code MAJ:MIN}; {@code dev} as the block tracepoints give it ({@code major << 20 | minor},
     * include/linux/kdev_t.h MINORBITS 20).
     */
    static LongFunction<String> sysfsDeviceNames(Path sysRoot) {
        Map<Long, String> cache = new HashMap<>();
        return dev -> cache.computeIfAbsent(dev, d -> {
            String majMin = (d >>> 20) + ":" + (d & 0xFFFFF);
            try {
                for (String line : Files.readAllLines(sysRoot.resolve("dev/block").resolve(majMin).resolve("uevent"))) {
                    if (line.startsWith("DEVNAME=") && line.length() > 8) {
                        return line.substring(8);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such device now, or unreadable: its numbers name it
            }
            return majMin;
        });
    }

    void add(Families f, KernelMaps.Reading r, List<Exported> exported) {
        Map<Long, Exported> byCgroup = new HashMap<>();
        for (Exported e : exported) {
            byCgroup.put(e.cgroupId(), e);
        }
        Set<Long> unmatched = new HashSet<>();
        for (KernelMaps.Collector c : r.collectors()) {
            Labels l = Labels.of("collector", c.name());
            f.gauge("boxscope_ebpf_collector_up", "1 when the in-kernel collector runs, 0 when it could not be loaded or"
                    + " attached (serve's stderr says why; --no-ebpf turns them all off).", null, l, c.absent().isPresent() ? 0 : 1);
            if (c.absent().isEmpty()) {
                f.counter("boxscope_ebpf_lost_events", "Ring-buffer records the collector lost (user space fell behind).",
                        null, l, c.lost());
                f.counter("boxscope_ebpf_skipped_events", "Runs of the collector's programs the kernel skipped (another BPF"
                        + " program was running on that CPU): events not counted.", null, l, c.skipped());
                f.counter("boxscope_ebpf_failed_map_updates", "Map updates of the collector that failed in the kernel (a"
                        + " full map): events not counted.", null, l, c.failedUpdates());
                c.kernelSymbolsMissing().ifPresent(m -> f.gauge("boxscope_kernel_symbols_missing", "Distinct kernel addresses"
                        + " the collector's maps held that could not be named because kernel symbols could not be read (reason:"
                        + " which file and why, as probe, profile, offcputime and diagnose say it); absent when none.",
                        null, l.add("reason", m.reason()), m.addresses()));
            }
        }
        syscalls(f, r.maps(), byCgroup, unmatched);
        syscallLatency(f, r.maps(), byCgroup, unmatched);
        runqlat(f, r.maps(), byCgroup, unmatched);
        containerBiolat(f, r.maps(), byCgroup, unmatched);
        containerBlockTraffic(f, r.maps(), byCgroup, unmatched);
        biolat(f, r.maps());
        names.keySet().retainAll(exported.stream().map(Exported::containerId).toList());
        if (!r.maps().isEmpty()) {
            f.gauge("boxscope_ebpf_unmatched_cgroups", "Cgroups with eBPF figures in this scrape that are not an exported"
                    + " container (it ended since, or is over --max-containers): no series for them.", null, Labels.EMPTY, unmatched.size());
        }
    }

    private void syscalls(Families f, Map<String, MapDump> maps, Map<Long, Exported> byCgroup, Set<Long> unmatched) {
        MapDump calls = maps.get("@calls");
        MapDump errors = maps.get("@errors");
        if (calls == null || errors == null) {
            return;
        }
        // cgroup -> syscall -> count; cgroup -> syscall -> errno -> count
        Map<Long, Map<Integer, Long>> byCall = new TreeMap<>();
        for (MapDump.Entry e : calls.entries()) {
            long[] k = ints(e.key(), 2);
            if (k != null && e.value() instanceof MapValue.Count c && c.count() > 0) {
                byCall.computeIfAbsent(k[0], x -> new TreeMap<>()).merge((int) k[1], c.count(), Long::sum);
            }
        }
        Map<Long, Map<Integer, Map<Integer, Long>>> byErr = new TreeMap<>();
        for (MapDump.Entry e : errors.entries()) {
            long[] k = ints(e.key(), 3);
            if (k != null && e.value() instanceof MapValue.Count c && c.count() > 0) {
                byErr.computeIfAbsent(k[0], x -> new TreeMap<>()).computeIfAbsent((int) k[1], x -> new TreeMap<>())
                        .merge((int) k[2], c.count(), Long::sum);
            }
        }
        Set<Long> cgroups = new LinkedHashSet<>(byCall.keySet());
        cgroups.addAll(byErr.keySet());
        for (long cg : cgroups) {
            Exported ex = byCgroup.get(cg);
            if (ex == null) {
                unmatched.add(cg);
                continue;
            }
            Names n = names.computeIfAbsent(ex.containerId(), x -> new Names());
            Map<Integer, Long> perCall = new TreeMap<>(byCall.getOrDefault(cg, Map.of()));
            Map<Integer, Map<Integer, Long>> errs = byErr.getOrDefault(cg, Map.of());
            errs.keySet().forEach(nr -> perCall.putIfAbsent(nr, 0L)); // failed calls that began before the attach
            Set<Integer> named = n.syscalls.update(perCall);
            Map<String, Long> callSeries = new TreeMap<>();
            Map<String, Long> errSeries = new TreeMap<>();
            Map<Integer, Long> perErrno = new TreeMap<>();
            callSeries.put(OTHER, 0L);
            for (Map.Entry<Integer, Long> c : perCall.entrySet()) {
                String name = named.contains(c.getKey()) ? table.name(c.getKey()) : OTHER;
                callSeries.merge(name, c.getValue(), Long::sum);
                for (Map.Entry<Integer, Long> er : errs.getOrDefault(c.getKey(), Map.of()).entrySet()) {
                    errSeries.merge(name, er.getValue(), Long::sum);
                    perErrno.merge(er.getKey(), er.getValue(), Long::sum);
                }
            }
            for (Map.Entry<String, Long> s : callSeries.entrySet()) {
                f.counter("boxscope_container_syscalls", "System calls the container's processes made (raw_syscalls:sys_enter),"
                        + " by name: the first " + TOP_SYSCALLS + " seen, the rest under syscall=\"other\".",
                        null, ex.labels().add("syscall", s.getKey()), s.getValue());
            }
            for (Map.Entry<String, Long> s : errSeries.entrySet()) {
                f.counter("boxscope_container_syscall_errors", "System calls of the container that returned an error"
                        + " (-4095..-1 at raw_syscalls:sys_exit), by syscall as in boxscope_container_syscalls_total.",
                        null, ex.labels().add("syscall", s.getKey()), s.getValue());
            }
            Set<Integer> namedErrnos = n.errnos.update(perErrno);
            Map<String, Long> errnoSeries = new TreeMap<>();
            for (Map.Entry<Integer, Long> er : perErrno.entrySet()) {
                errnoSeries.merge(namedErrnos.contains(er.getKey()) ? errnoName(er.getKey()) : OTHER, er.getValue(), Long::sum);
            }
            for (Map.Entry<String, Long> s : errnoSeries.entrySet()) {
                f.counter("boxscope_container_syscall_errors_by_errno", "System calls of the container that failed, by errno"
                        + " (ENOENT, EAGAIN...): the first " + TOP_ERRNOS + " seen, the rest under errno=\"other\".",
                        null, ex.labels().add("errno", s.getKey()), s.getValue());
            }
        }
    }

    private void runqlat(Families f, Map<String, MapDump> maps, Map<Long, Exported> byCgroup, Set<Long> unmatched) {
        perCgroup(f, maps.get("@runq"), maps.get("@runq_ns"), byCgroup, unmatched, "boxscope_container_runqueue_latency_seconds",
                "Time the container's threads waited on a CPU's run queue (wake-up or preemption to running; runqlat(8)).");
        MapDump unseen = maps.get(RUNQ_UNSEEN);
        if (unseen != null) {
            long n = 0;
            for (MapDump.Entry e : unseen.entries()) {
                if (e.value() instanceof MapValue.Count c && c.count() > 0) {
                    n += c.count();
                }
            }
            f.counter("boxscope_runqueue_unseen_waits", "Run-queue waits of watched containers' threads that ended with no"
                    + " sched_switch event reaching the collector (the thread switched out again while its wait was still"
                    + " open): not in any container's runqueue latency histogram (docs/diagnose.md, \"Waits not seen\").",
                    null, Labels.EMPTY, n);
        }
    }

    /**
     * serve/runqlat.bt's count of waits it did not see end, over every watched cgroup since start (unkeyed: a
     * container's share would vanish with its entries when it ends, and the counter would go down).
     */
    static final String RUNQ_UNSEEN = "@runq_unseen";

    /** Block I/O latency by the container each request is charged to ({@link io.boxscope.diagnose.BlockRequests}). */
    private void containerBiolat(Families f, Map<String, MapDump> maps, Map<Long, Exported> byCgroup, Set<Long> unmatched) {
        perCgroup(f, maps.get("@bio_cg"), maps.get("@bio_cg_ns"), byCgroup, unmatched, "boxscope_container_block_io_latency_seconds",
                "Block I/O latency of the container's requests, issue to completion (block_rq_issue to block_rq_complete):"
                        + " requests the kernel charges to the container's cgroup v2 (its blkcg), else that the container's"
                        + " tasks submitted.");
    }

    /**
     * The bytes and requests of the same requests, read and write, per container: the cgroup's own block I/O counters
     * ({@code boxscope_container_io_bytes}) stay 0 on some cgroup v1 {@code blkio} hosts (this one: docs/diagnose.md,
     * "Block I/O bytes"), where these still count. Only the requests the collector attributes: charged by the kernel to
     * the container's cgroup v2, or submitted by its tasks (direct I/O, fsync); writeback of its dirty pages by kernel
     * threads is not among them on a v1 {@code blkio} host.
     */
    private void containerBlockTraffic(Families f, Map<String, MapDump> maps, Map<Long, Exported> byCgroup, Set<Long> unmatched) {
        String where = " (serve's block I/O collector: requests the kernel charges to the container's cgroup v2, else that its"
                + " tasks submitted; at the request's first completion). Unlike boxscope_container_io_bytes (the cgroup's"
                + " io.stat or blkio counters, which stay 0 on some cgroup v1 hosts), counted in the kernel by eBPF; page-cache"
                + " writeback by kernel threads is the container's only where cgroup v2 writeback charges it.";
        traffic(f, maps.get("@bio_cg_bytes"), byCgroup, unmatched, "boxscope_container_block_io_bytes", Unit.BYTES,
                "Bytes of the container's block requests, by operation" + where);
        traffic(f, maps.get("@bio_cg_reqs"), byCgroup, unmatched, "boxscope_container_block_io_requests", null,
                "Block requests of the container, by operation" + where);
    }

    private static void traffic(Families f, MapDump m, Map<Long, Exported> byCgroup, Set<Long> unmatched, String name, Unit unit,
            String help) {
        if (m == null) {
            return;
        }
        for (Map.Entry<List<Long>, Long> e : sums(m, 2).entrySet()) {
            Exported ex = byCgroup.get(e.getKey().get(0));
            if (ex == null) {
                unmatched.add(e.getKey().get(0));
                continue;
            }
            long op = e.getKey().get(1);
            if (op == 0 || op == 1) {
                f.counter(name, help, unit, ex.labels().add("operation", op == 0 ? "read" : "write"), e.getValue());
            }
        }
    }

    /** A histogram per exported container from a map keyed by cgroup id and its sum in ns. */
    private static void perCgroup(Families f, MapDump hist, MapDump sum, Map<Long, Exported> byCgroup, Set<Long> unmatched,
            String name, String help) {
        if (hist == null) {
            return;
        }
        Map<List<Long>, Long> sums = sums(sum, 1);
        for (Map.Entry<List<Long>, long[]> h : hists(hist, 1).entrySet()) {
            Exported ex = byCgroup.get(h.getKey().get(0));
            if (ex == null) {
                unmatched.add(h.getKey().get(0));
                continue;
            }
            f.log2Histogram(name, help, ex.labels(), h.getValue(), sums.getOrDefault(h.getKey(), 0L) / 1e9);
        }
    }

    /**
     * Syscall latency by (cgroup, syscall number), merged into {@link #TIMED}'s operations: at most
     * three histograms per container.
     */
    private void syscallLatency(Families f, Map<String, MapDump> maps, Map<Long, Exported> byCgroup, Set<Long> unmatched) {
        MapDump hist = maps.get("@slat");
        if (hist == null) {
            return;
        }
        Map<List<Long>, Long> sums = sums(maps.get("@slat_ns"), 2);
        Map<Long, Map<String, long[]>> byOp = new TreeMap<>();
        Map<Long, Map<String, Long>> nsByOp = new TreeMap<>();
        for (Map.Entry<List<Long>, long[]> h : hists(hist, 2).entrySet()) {
            long cg = h.getKey().get(0);
            String op = TIMED.get(table.name(h.getKey().get(1)));
            if (!byCgroup.containsKey(cg)) {
                unmatched.add(cg);
                continue;
            }
            if (op == null) {
                continue; // a number serve's script does not time: a map not written by it
            }
            add(byOp.computeIfAbsent(cg, x -> new TreeMap<>()).computeIfAbsent(op, x -> new long[h.getValue().length]), h.getValue());
            nsByOp.computeIfAbsent(cg, x -> new TreeMap<>()).merge(op, sums.getOrDefault(h.getKey(), 0L), Long::sum);
        }
        for (Map.Entry<Long, Map<String, long[]>> c : byOp.entrySet()) {
            Exported ex = byCgroup.get(c.getKey());
            for (Map.Entry<String, long[]> h : c.getValue().entrySet()) {
                f.log2Histogram("boxscope_container_syscall_latency_seconds", "Time the container's threads spent in read,"
                        + " write and fsync system calls, sys_enter to sys_exit; operation read is read, readv, pread64,"
                        + " preadv, preadv2; write the same for writing; fsync is fsync and fdatasync.",
                        ex.labels().add("operation", h.getKey()), h.getValue(), nsByOp.get(c.getKey()).get(h.getKey()) / 1e9);
            }
        }
    }

    /** Adds {@code b}'s buckets into {@code acc} (as many as both have). */
    private static void add(long[] acc, long[] b) {
        for (int i = 0; i < Math.min(acc.length, b.length); i++) {
            acc[i] += b[i];
        }
    }

    private void biolat(Families f, Map<String, MapDump> maps) {
        MapDump bio = maps.get("@bio");
        if (bio == null) {
            return;
        }
        Map<List<Long>, Long> sums = sums(maps.get("@bio_ns"), 1);
        Map<String, long[]> byName = new TreeMap<>();
        Map<String, Long> sumByName = new HashMap<>();
        for (Map.Entry<List<Long>, long[]> h : hists(bio, 1).entrySet()) {
            String name = deviceName.apply(h.getKey().get(0));
            add(byName.computeIfAbsent(name, x -> new long[h.getValue().length]), h.getValue());
            sumByName.merge(name, sums.getOrDefault(h.getKey(), 0L), Long::sum);
        }
        for (Map.Entry<String, long[]> h : byName.entrySet()) {
            f.log2Histogram("boxscope_disk_io_latency_seconds", "Block I/O latency per disk, request issue to completion"
                    + " (block_rq_issue to block_rq_complete, biolatency(8)); per disk, not per container: writeback is"
                    + " issued by kernel threads.", Labels.of("device", h.getKey()), h.getValue(), sumByName.get(h.getKey()) / 1e9);
        }
        Map<String, Long> replaced = new TreeMap<>();
        for (Map.Entry<List<Long>, Long> r : sums(maps.get(BIO_REPLACED), 1).entrySet()) {
            replaced.merge(deviceName.apply(r.getKey().get(0)), r.getValue(), Long::sum);
        }
        for (Map.Entry<String, Long> r : replaced.entrySet()) {
            f.counter("boxscope_disk_io_unmatched_requests", "Requests of the disk issued at the sector of one still in"
                    + " flight: the earlier one's issue time was replaced, and one of the two is not in"
                    + " boxscope_disk_io_latency_seconds.", null, Labels.of("device", r.getKey()), r.getValue());
        }
    }

    /** serve/biolat.bt's requests per disk whose issue time another request at the same sector replaced. */
    static final String BIO_REPLACED = "@bio_replaced";

    /** Hist entries by their key of {@code n} integers: the kernel's buckets, summed over duplicate keys. */
    private static Map<List<Long>, long[]> hists(MapDump m, int n) {
        Map<List<Long>, long[]> out = new TreeMap<>(KEY_ORDER);
        for (MapDump.Entry e : m.entries()) {
            long[] k = ints(e.key(), n);
            if (k != null && e.value() instanceof MapValue.Hist h) {
                long[] b = h.buckets();
                List<Long> key = java.util.Arrays.stream(k).boxed().toList();
                long[] acc = out.computeIfAbsent(key, x -> new long[b.length]);
                if (acc.length < b.length) {
                    acc = java.util.Arrays.copyOf(acc, b.length);
                    out.put(key, acc);
                }
                for (int i = 0; i < b.length; i++) {
                    acc[i] += Math.max(0, b[i]);
                }
            }
        }
        return out;
    }

    /** Sum entries by their key of {@code n} integers (absent map: none). */
    private static Map<List<Long>, Long> sums(MapDump m, int n) {
        Map<List<Long>, Long> out = new HashMap<>();
        if (m != null) {
            for (MapDump.Entry e : m.entries()) {
                long[] k = ints(e.key(), n);
                if (k != null && e.value() instanceof MapValue.Sum s && s.sum() > 0) {
                    out.merge(java.util.Arrays.stream(k).boxed().toList(), s.sum(), Long::sum);
                }
            }
        }
        return out;
    }

    private static final Comparator<List<Long>> KEY_ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Long.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    /** The key as {@code n} integers, or null when it has another shape (a map not written by serve's scripts). */
    private static long[] ints(List<Value> key, int n) {
        if (key.size() != n) {
            return null;
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            if (!(key.get(i) instanceof Value.Int v)) {
                return null;
            }
            out[i] = v.bits();
        }
        return out;
    }

    /**
     * The errno's name; 512..516 are the kernel's own restart codes (include/linux/errno.h), which
     * sys_exit sees when a signal interrupts a call that the kernel then restarts or fails with EINTR.
     */
    static String errnoName(int errno) {
        Errno e = Errno.of(errno);
        if (e != null) {
            return e.name();
        }
        return switch (errno) {
            case 512 -> "ERESTARTSYS";
            case 513 -> "ERESTARTNOINTR";
            case 514 -> "ERESTARTNOHAND";
            case 515 -> "ENOIOCTLCMD";
            case 516 -> "ERESTART_RESTARTBLOCK";
            default -> "errno_" + errno;
        };
    }

    /** A container's named syscalls and errnos. */
    private static final class Names {
        final FirstSeen syscalls = new FirstSeen(TOP_SYSCALLS);
        final FirstSeen errnos = new FirstSeen(TOP_ERRNOS);
    }

    /** Names granted on first sight while fewer than {@code limit} are named; never taken back (see the class). */
    static final class FirstSeen {
        private final int limit;
        private final Set<Integer> named = new LinkedHashSet<>();
        private final Set<Integer> seen = new HashSet<>();

        FirstSeen(int limit) {
            this.limit = limit;
        }

        Set<Integer> update(Map<Integer, Long> counts) {
            List<Map.Entry<Integer, Long>> fresh = new ArrayList<>();
            for (Map.Entry<Integer, Long> e : counts.entrySet()) {
                if (!seen.contains(e.getKey())) {
                    fresh.add(e);
                }
            }
            fresh.sort(Map.Entry.<Integer, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
            for (Map.Entry<Integer, Long> e : fresh) {
                if (named.size() < limit) {
                    named.add(e.getKey());
                }
                seen.add(e.getKey());
            }
            return named;
        }
    }
}
