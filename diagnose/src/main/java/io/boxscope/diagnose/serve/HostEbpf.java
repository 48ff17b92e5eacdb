package io.boxscope.diagnose.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.diagnose.BlockRequests;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.runtime.ProbeSession;
import io.boxscope.proc.HostPaths;
import io.boxscope.tools.stacks.StackRun;

/**
 * serve's in-kernel collectors, attached once for the whole run and read on each scrape (their maps
 * are cumulative: never cleared, Prometheus computes rates). Probe-language scripts run by the probe
 * runtime, resources {@code serve/*.bt}:
 * <ul>
 * <li>{@code syscalls}: {@code raw_syscalls:sys_enter/sys_exit}, calls by (cgroup, syscall),
 *     failures by (cgroup, syscall, errno), and the latency of the read, write and fsync families
 *     ({@link EbpfSeries#TIMED}) by (cgroup, syscall);</li>
 * <li>{@code runqlat}: {@code sched_switch}/{@code sched_wakeup}, run-queue latency by cgroup, and the waits whose end
 *     no {@code sched_switch} event showed ({@link EbpfSeries#RUNQ_UNSEEN}, one count for every watched cgroup);</li>
 * <li>{@code biolat}: {@code block_rq_issue}/{@code block_rq_complete}, block I/O latency by disk, and
 *     by the container each request is charged to ({@link BlockRequests}).</li>
 * </ul>
 * Unlike diagnose's collectors (one cgroup, a window of seconds), these are keyed by cgroup v2 id and
 * count only the cgroups in their {@code @watch} map: the containers' ({@link #watch}), so processes
 * outside containers cost a map lookup per event and create no entries. A cgroup that leaves the
 * watch set (its container ended) has its entries deleted, so the maps keep room for new ones. Each
 * collector is optional: one that cannot be compiled, loaded or attached is absent, with its reason.
 */
public final class HostEbpf implements KernelMaps, AutoCloseable {
    /** Keys per hash map of each script (bpftrace's BPFTRACE_MAP_KEYS_MAX); a full map's failed updates are counted. */
    static final Map<String, Integer> MAP_KEYS = Map.of("syscalls", 16384, "runqlat", 16384, "biolat", 4096);
    /** The maps keyed by cgroup id first, per script: what {@link #watch} deletes when a cgroup goes. */
    private static final Map<String, List<String>> BY_CGROUP = Map.of(
            "syscalls", List.of("@watch", "@calls", "@errors", "@sstart", "@slat", "@slat_ns"),
            "runqlat", List.of("@watch", "@runq", "@runq_ns"),
            "biolat", List.of("@watch", "@bio_cg", "@bio_cg_ns", "@bio_cg_bytes", "@bio_cg_reqs"));
    static final List<String> COLLECTORS = List.of("syscalls", "runqlat", "biolat");
    /** The maps a scrape reads, per script (not the per-thread and per-request state maps, which can be large). */
    private static final Map<String, List<String>> READ = Map.of(
            "syscalls", List.of("@calls", "@errors", "@slat", "@slat_ns"),
            "runqlat", List.of("@runq", "@runq_ns", EbpfSeries.RUNQ_UNSEEN),
            "biolat", List.of("@bio", "@bio_ns", "@bio_cg", "@bio_cg_ns", "@bio_cg_bytes", "@bio_cg_reqs", EbpfSeries.BIO_REPLACED));

    private final Map<String, StackRun.Started> running = new LinkedHashMap<>();
    private final Map<String, String> absent = new LinkedHashMap<>();
    private final Set<Long> watched = new HashSet<>();
    /** Watch entries that did not fit (the @watch map was full), per script: counted as failed updates. */
    private final Map<String, Long> watchFull = new HashMap<>();

    private HostEbpf() {}

    /**
     * Loads and attaches every collector it can; never throws for one that fails (see {@link #absent()}). The kernel's
     * BTF and tracepoints come from {@code paths.sysRoot()}, kernel symbols from {@code paths.procRoot()}'s kallsyms
     * ({@code --proc-root}, as profile and offcputime name theirs).
     */
    public static HostEbpf start(HostPaths paths) {
        HostEbpf h = new HostEbpf();
        for (String name : COLLECTORS) {
            StackRun.Started s = null;
            try {
                s = StackRun.load("serve-" + name, source(name, SyscallTable.current()), paths, null, MAP_KEYS.get(name));
                s.attach();
                h.running.put(name, s);
            } catch (Exception e) {
                if (s != null) {
                    s.close();
                }
                h.absent.put(name, oneLine(e));
            }
        }
        return h;
    }

    /** The collectors that could not start, with why (one line each), in {@link #COLLECTORS} order. */
    public Map<String, String> absent() {
        return Map.copyOf(absent);
    }

    @Override
    public synchronized void watch(Set<Long> cgroupIds) {
        for (Map.Entry<String, StackRun.Started> r : running.entrySet()) {
            List<String> maps = BY_CGROUP.get(r.getKey());
            if (maps.isEmpty()) {
                continue;
            }
            ProbeSession s = r.getValue().session();
            for (long id : cgroupIds) {
                // the script never writes @watch: a full @watch (E2BIG) leaves that cgroup uncounted, and is counted;
                // any other refusal goes to the caller with its errno and reason
                try {
                    if (!watched.contains(id)) {
                        s.seed("@watch", id, 1);
                    }
                } catch (io.boxscope.bpf.BpfException e) {
                    if (e.errno() != io.boxscope.bpf.Errno.E2BIG.number()) {
                        throw e;
                    }
                    watchFull.merge(r.getKey(), 1L, Long::sum);
                }
            }
            Set<Long> gone = new HashSet<>(watched);
            gone.removeAll(cgroupIds);
            if (!gone.isEmpty()) {
                for (String m : maps) {
                    s.forget(m, gone::contains);
                }
            }
        }
        watched.clear();
        watched.addAll(cgroupIds);
    }

    @Override
    public synchronized Reading read() {
        List<Collector> collectors = new ArrayList<>();
        Map<String, MapDump> maps = new HashMap<>();
        for (String name : COLLECTORS) {
            StackRun.Started r = running.get(name);
            if (r == null) {
                collectors.add(new Collector(name, Optional.of(absent.get(name)), 0, 0, 0));
                continue;
            }
            ProbeSession s = r.session();
            for (String m : READ.get(name)) {
                maps.put(m, s.map(m));
            }
            long failed = s.mapUpdateFailures().stream().mapToLong(f -> f.count()).sum() + watchFull.getOrDefault(name, 0L);
            // the maps above were just decoded: the distinct kernel addresses in them left unnamed so far, and why
            Set<Long> unnamed = s.unresolvedKernelAddresses();
            Optional<KernelSymbolsMissing> missing = unnamed.isEmpty() ? Optional.empty()
                    : s.kernelSymbolsUnavailable().map(why -> new KernelSymbolsMissing(unnamed.size(), why));
            collectors.add(new Collector(name, Optional.empty(), s.lost(), s.skipped(), failed, missing));
        }
        return new Reading(collectors, maps);
    }

    @Override
    public synchronized void close() {
        for (StackRun.Started s : running.values()) {
            s.close();
        }
        running.clear();
    }

    /**
     * A script with its placeholders filled for this kernel: {@code ${TIMED}}, the test for the
     * syscall numbers of {@link EbpfSeries#TIMED} on this architecture; {@code ${START}}, the probe
     * where a block request gets its cgroup ({@link BlockRequests#startProbe()}).
     */
    static String source(String name, SyscallTable table) throws IOException {
        String src = script(name);
        if (src.contains("${TIMED}")) {
            List<String> tests = new ArrayList<>();
            for (String sys : EbpfSeries.TIMED.keySet()) {
                int nr = table.number(sys);
                if (nr >= 0) {
                    tests.add("args->id == " + nr);
                }
            }
            src = src.replace("${TIMED}", tests.isEmpty() ? "0" : "(" + String.join(" || ", tests) + ")");
        }
        if (src.contains("${START}")) {
            src = src.replace("${START}", BlockRequests.startProbe());
        }
        return src;
    }

    private static String script(String name) throws IOException {
        try (InputStream in = HostEbpf.class.getResourceAsStream(name + ".bt")) {
            if (in == null) {
                throw new IOException("resource serve/" + name + ".bt missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
