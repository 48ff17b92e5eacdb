package io.boxscope.diagnose.serve;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.boxscope.diagnose.Diagnose;
import io.boxscope.diagnose.Metrics;
import io.boxscope.diagnose.Rules;
import io.boxscope.diagnose.Sampler;
import io.boxscope.diagnose.Verdict;
import io.boxscope.diagnose.Window;
import io.boxscope.diagnose.Snapshot;
import io.boxscope.diagnose.Target;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.Pressure;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.Discovery;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The per-container cgroup metrics of {@code boxscope serve}, built on each scrape (a Prometheus
 * client {@link MultiCollector}): the containers come from {@code proc}'s discovery (rescanned at
 * most every {@code discoveryMaxAgeNanos}), their counters from the cgroup files read afresh by
 * {@link Sampler#sampleCgroup()} (cpu.stat / cpuacct.usage, memory controller, io.stat / blkio, PSI).
 * Series follow cAdvisor's meanings where it has one (working set = usage minus inactive_file).
 * With a {@link KernelMaps} ({@link HostEbpf}), the eBPF series are added from the same scrape
 * ({@link EbpfSeries}: syscalls and failures, run-queue and disk latency histograms).
 *
 * <p>Cardinality is bounded: labels are {@code container}, {@code container_id}, {@code image}
 * ({@code pod} and {@code namespace} too for a Kubernetes pod's containers) plus
 * fixed small sets ({@code resource}, {@code kind}, {@code operation}), and at most
 * {@code maxContainers} containers are exported per scrape; the rest are counted in
 * {@code boxscope_scrape_containers_dropped}. Files that exist but cannot be read or parsed, and a
 * discovery that fails, are counted in {@code boxscope_scrape_read_errors_total}: nothing is lost
 * silently.
 */
public final class ContainerCollector implements MultiCollector {
    /** How the containers are found: {@code ContainerDiscovery::scan} in production, a fixture list in tests. */
    @FunctionalInterface
    public interface Scanner {
        Discovery scan() throws IOException;
    }

    private final Scanner scanner;
    private final HostPaths paths;
    private final long discoveryMaxAgeNanos;
    private final int maxContainers;
    private Discovery cached;
    private long cachedAt;
    private long readErrorsTotal;
    private long scrapesTotal;
    private List<String> lastProblems = List.of();
    private final boolean verdicts;
    /** Each container's snapshot of the previous scrape (by id): a verdict needs two. */
    private Map<String, Snapshot> previous = Map.of();

    public ContainerCollector(Scanner scanner, HostPaths paths, long discoveryMaxAgeNanos, int maxContainers) {
        this(scanner, paths, discoveryMaxAgeNanos, maxContainers, PSS_MAX_AGE_NANOS, false);
    }

    /** As above, with the time a container's PSS and USS are remembered ({@link ContainerPss}). */
    public ContainerCollector(Scanner scanner, HostPaths paths, long discoveryMaxAgeNanos, int maxContainers, long pssMaxAgeNanos) {
        this(scanner, paths, discoveryMaxAgeNanos, maxContainers, pssMaxAgeNanos, false);
    }

    /**
     * With {@code verdicts}, each scrape also samples the containers' threads and exports
     * {@code boxscope_container_verdict}: diagnose's rules ({@link Rules}) over the interval since the
     * previous scrape, from the cgroup counters and the thread states seen at both scrapes.
     */
    public ContainerCollector(Scanner scanner, HostPaths paths, long discoveryMaxAgeNanos, int maxContainers, boolean verdicts) {
        this(scanner, paths, discoveryMaxAgeNanos, maxContainers, PSS_MAX_AGE_NANOS, verdicts);
    }

    /** Every setting but the eBPF series: PSS age and verdicts as above. */
    public ContainerCollector(Scanner scanner, HostPaths paths, long discoveryMaxAgeNanos, int maxContainers,
            long pssMaxAgeNanos, boolean verdicts) {
        this(scanner, paths, discoveryMaxAgeNanos, maxContainers, pssMaxAgeNanos, verdicts, null);
    }

    /**
     * As above, with the eBPF series read from {@code kernel} ({@link HostEbpf}; null for none): each
     * scrape tells it the exported containers' cgroup ids to count ({@link KernelMaps#watch}) and
     * turns its maps into series ({@link EbpfSeries}).
     */
    public ContainerCollector(Scanner scanner, HostPaths paths, long discoveryMaxAgeNanos, int maxContainers,
            long pssMaxAgeNanos, boolean verdicts, KernelMaps kernel) {
        if (maxContainers < 1) {
            throw new IllegalArgumentException("maxContainers must be at least 1, not " + maxContainers);
        }
        this.scanner = scanner;
        this.paths = paths;
        this.discoveryMaxAgeNanos = discoveryMaxAgeNanos;
        this.maxContainers = maxContainers;
        this.pss = new ContainerPss(new io.boxscope.mem.smaps.ProcMemReader(paths), pssMaxAgeNanos);
        this.verdicts = verdicts;
        this.kernel = kernel;
        this.ebpf = kernel == null ? null
                : new EbpfSeries(io.boxscope.bpf.syscalls.SyscallTable.current(), EbpfSeries.sysfsDeviceNames(paths.sysRoot()));
    }

    private final KernelMaps kernel;
    private final EbpfSeries ebpf;

    /** A minute: PSS moves slowly, and reading it walks every process's page tables. */
    public static final long PSS_MAX_AGE_NANOS = 60_000_000_000L;

    private final ContainerPss pss;

    /**
     * What went wrong in the latest scrape (file and reason; counted in
     * {@code boxscope_scrape_read_errors_total}), then discovery's notices of the latest rescan (such
     * as "no runtime socket, showing ids": said, not counted as errors), for a caller that shows them.
     */
    public synchronized List<String> lastProblems() {
        return lastProblems;
    }

    @Override
    public synchronized MetricSnapshots collect() {
        long start = System.nanoTime();
        scrapesTotal++;
        List<String> problems = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        Families f = new Families();
        Optional<Discovery> discovery = discovery(start, problems, notices);
        List<ContainerInfo> containers = discovery.map(Discovery::containers).orElse(List.of());
        int dropped = Math.max(0, containers.size() - maxContainers);
        int exported = 0;
        int vanished = 0;
        Map<String, Snapshot> seen = new LinkedHashMap<>();
        List<EbpfSeries.Exported> inKernel = new ArrayList<>();
        List<ContainerInfo> window = containers.subList(0, Math.min(containers.size(), maxContainers));
        if (kernel != null) {
            try {
                kernel.watch(window.stream().filter(c -> c.cgroupId().isPresent()).map(c -> c.cgroupId().getAsLong())
                        .collect(java.util.stream.Collectors.toSet()));
            } catch (RuntimeException e) {
                problems.add("eBPF collectors: cannot update the cgroups they count: " + e.getMessage());
            }
        }
        for (ContainerInfo c : window) {
            Target target = new Target(Target.Kind.CONTAINER, c.displayName(), Optional.of(c), c.cgroups(), java.util.OptionalInt.empty());
            Sampler sampler = new Sampler(target, paths);
            Snapshot s;
            try {
                s = verdicts ? sampler.sample() : sampler.sampleCgroup();
            } catch (IOException e) {
                problems.add(c.displayName() + ": " + e.getMessage());
                continue;
            } finally {
                problems.addAll(sampler.problems().stream().map(p -> c.displayName() + ": " + p).toList());
            }
            if (s.cpuUsageNs().isEmpty() && !s.memory().present()) {
                vanished++; // its cgroup went away between discovery and now: the container stopped
                continue;
            }
            exported++;
            Labels l = labels(c);
            add(f, l, c, s);
            c.cgroupId().ifPresent(id -> inKernel.add(new EbpfSeries.Exported(c.ref().id(), id, l)));
            pss.of(c, start, problems).ifPresent(sum -> {
                f.gauge("boxscope_container_memory_pss_bytes", "Proportional set size of the container's processes, summed"
                        + " (smaps_rollup Pss: shared pages divided among their users; read at most once a minute).",
                        Unit.BYTES, l, sum.pssKb() * 1024.0);
                f.gauge("boxscope_container_memory_uss_bytes", "Unique set size of the container's processes, summed"
                        + " (smaps_rollup Private_Clean + Private_Dirty; read at most once a minute).",
                        Unit.BYTES, l, sum.ussKb() * 1024.0);
            });
            if (verdicts) {
                seen.put(c.ref().id(), s);
                Snapshot before = previous.get(c.ref().id());
                if (before != null && s.monoNs() > before.monoNs()) {
                    verdict(f, l, target, c, new Window(List.of(before, s), List.of(), 0, false));
                }
            }
        }
        if (kernel != null) {
            try {
                ebpf.add(f, kernel.read(), inKernel);
            } catch (RuntimeException e) {
                problems.add("eBPF collectors: cannot read their maps: " + e.getMessage());
            }
        }
        pss.retain(containers.stream().map(c -> c.ref().id()).collect(java.util.stream.Collectors.toSet()));
        previous = seen;
        readErrorsTotal += problems.size();
        problems.addAll(notices);
        lastProblems = List.copyOf(problems);
        double seconds = (System.nanoTime() - start) / 1e9;
        Labels none = Labels.EMPTY;
        f.gauge("boxscope_scrape_duration_seconds", "Time this collection took to discover containers and read their cgroups.",
                Unit.SECONDS, none, seconds);
        f.gauge("boxscope_scrape_containers", "Containers exported in this scrape.", null, none, exported);
        f.gauge("boxscope_scrape_containers_dropped", "Containers found but not exported: over the limit of "
                + maxContainers + " containers per scrape.", null, none, dropped);
        f.gauge("boxscope_scrape_containers_vanished", "Containers found by discovery whose cgroup was gone when read.",
                null, none, vanished);
        f.gauge("boxscope_scrape_skipped_processes", "Processes the container discovery could not read (exited or denied).",
                null, none, discovery.map(Discovery::skippedProcesses).orElse(0));
        f.counter("boxscope_scrape_read_errors", "Cgroup files that exist but could not be read or parsed, and failed discoveries, since start.",
                null, none, readErrorsTotal);
        f.counter("boxscope_scrapes", "Collections since start.", null, none, scrapesTotal);
        return f.build();
    }

    private Optional<Discovery> discovery(long now, List<String> problems, List<String> notices) {
        if (cached == null || now - cachedAt >= discoveryMaxAgeNanos) {
            try {
                cached = scanner.scan();
                cachedAt = now;
                notices.addAll(cached.notices().stream().map(n -> "discovery: " + n).toList());
            } catch (IOException | RuntimeException e) {
                problems.add("container discovery failed: " + e.getMessage());
                cached = null;
                return Optional.empty();
            }
        }
        return Optional.of(cached);
    }

    /**
     * {@code container}, {@code container_id}, {@code image}, and {@code pod} and {@code namespace}
     * when the runtime keeps Kubernetes' labels for the container (absent otherwise, as Prometheus
     * treats an empty label: kube-state-metrics and cAdvisor use the same two names).
     */
    static Labels labels(ContainerInfo c) {
        Labels l = Labels.of("container", c.displayName(), "container_id", c.ref().id(), "image", c.image());
        if (!c.podName().isEmpty()) {
            l = l.add("pod", c.podName());
        }
        if (!c.podNamespace().isEmpty()) {
            l = l.add("namespace", c.podNamespace());
        }
        return l;
    }

    private static void add(Families f, Labels l, ContainerInfo c, Snapshot s) {
        if (s.cpuUsageNs().isPresent()) {
            f.counter("boxscope_container_cpu_usage_seconds", "CPU time the container's cgroup used (cpu.stat usage_usec, cpuacct.usage).",
                    Unit.SECONDS, l, s.cpuUsageNs().getAsLong() / 1e9);
            f.counter("boxscope_container_cpu_cfs_periods", "CFS enforcement periods elapsed (cpu.stat nr_periods).", null, l,
                    s.throttling().periods());
            f.counter("boxscope_container_cpu_cfs_throttled_periods", "CFS periods in which the container was throttled (cpu.stat nr_throttled).",
                    null, l, s.throttling().throttledPeriods());
            f.counter("boxscope_container_cpu_cfs_throttled_seconds", "Time the container's tasks were throttled (cpu.stat throttled_usec, throttled_time).",
                    Unit.SECONDS, l, s.throttling().throttledNanos() / 1e9);
        }
        if (c.limits().cpus().isPresent()) {
            f.gauge("boxscope_container_cpu_limit_cpus", "CPU quota in CPUs (cpu.max, cpu.cfs_quota_us / cpu.cfs_period_us); absent when unlimited.",
                    null, l, c.limits().cpus().getAsDouble());
        }
        Snapshot.MemorySample m = s.memory();
        if (m.present()) {
            f.gauge("boxscope_container_memory_usage_bytes", "Memory charged to the cgroup (memory.current, memory.usage_in_bytes).",
                    Unit.BYTES, l, m.usage());
            f.gauge("boxscope_container_memory_working_set_bytes", "Usage minus inactive file pages (as cAdvisor and kubelet count it).",
                    Unit.BYTES, l, m.workingSet());
            if (m.limit() > 0) {
                f.gauge("boxscope_container_memory_limit_bytes", "Memory limit (memory.max, memory.limit_in_bytes); absent when unlimited.",
                        Unit.BYTES, l, m.limit());
            }
            if (m.oomKillsKnown()) {
                f.counter("boxscope_container_memory_oom_kills", "Processes the OOM killer killed in this cgroup (memory.events / memory.oom_control oom_kill).",
                        null, l, m.oomKills());
            }
        }
        if (s.pressure().scope() == Snapshot.Scope.CGROUP) {
            String help = "Time tasks of the cgroup stalled on a resource (cgroup v2 *.pressure total=, Documentation/accounting/psi.rst).";
            pressure(f, help, l, "cpu", s.pressure().cpu());
            pressure(f, help, l, "memory", s.pressure().memory());
            pressure(f, help, l, "io", s.pressure().io());
        }
        if (s.io().isPresent()) {
            String help = "Bytes the cgroup read from and wrote to block devices (io.stat rbytes/wbytes, blkio io_service_bytes):"
                    + " the cgroup's own counters, which some kernels leave at 0 on a cgroup v1 blkio host; the eBPF figure is"
                    + " boxscope_container_block_io_bytes.";
            f.counter("boxscope_container_io_bytes", help, Unit.BYTES, l.add("operation", "read"), s.io().get().readBytes());
            f.counter("boxscope_container_io_bytes", help, Unit.BYTES, l.add("operation", "write"), s.io().get().writeBytes());
            String opsHelp = "Block I/O operations of the cgroup (io.stat rios/wios, blkio io_serviced): the cgroup's own"
                    + " counters, 0 on some cgroup v1 blkio hosts; the eBPF figure is boxscope_container_block_io_requests.";
            f.counter("boxscope_container_io_operations", opsHelp, null, l.add("operation", "read"), s.io().get().readOps());
            f.counter("boxscope_container_io_operations", opsHelp, null, l.add("operation", "write"), s.io().get().writeOps());
        }
        f.gauge("boxscope_container_processes", "Processes in the container's cgroup (cgroup.procs).", null, l, s.processes());
    }

    /** One series per verdict kind, 1 for the current one: stable series whatever the verdict, and a confidence gauge. */
    private void verdict(Families f, Labels l, Target target, ContainerInfo c, Window w) {
        Metrics m = Metrics.of(w, c.limits().cpus(), Diagnose.cpusAvailable(c.limits(), paths));
        Verdict v = Rules.judge(target, m, List.of());
        for (Verdict.Kind k : Verdict.Kind.values()) {
            f.gauge("boxscope_container_verdict", "diagnose's verdict over the interval since the previous scrape (1 for the "
                    + "current kind): cgroup counters and two samples of thread states; run boxscope diagnose for a sharper one.",
                    null, l.add("kind", k.name().toLowerCase(java.util.Locale.ROOT)), k == v.kind() ? 1 : 0);
        }
        f.gauge("boxscope_container_verdict_confidence", "Confidence of boxscope_container_verdict: 1 low, 2 medium, 3 high.",
                null, l, 3 - v.confidence().ordinal());
    }

    private static void pressure(Families f, String help, Labels l, String resource, Pressure p) {
        Labels r = l.add("resource", resource);
        f.counter("boxscope_container_pressure_stall_seconds", help, Unit.SECONDS, r.add("kind", "some"), p.some().totalUs() / 1e6);
        f.counter("boxscope_container_pressure_stall_seconds", help, Unit.SECONDS, r.add("kind", "full"), p.full().totalUs() / 1e6);
    }
}
