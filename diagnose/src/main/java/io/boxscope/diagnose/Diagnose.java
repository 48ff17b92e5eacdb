package io.boxscope.diagnose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.cgroup.CgroupLimits;
import io.boxscope.proc.cgroup.CgroupLimitsReader;
import io.boxscope.proc.container.Discovery;

/**
 * {@code boxscope diagnose}: watches a target for a window and says whether it is CPU-bound,
 * CPU-throttled, short of memory, I/O-bound, lock/sleep-bound or idle, with the evidence.
 * The /proc and cgroup figures are always read; the in-kernel collectors ({@link Ebpf}: run-queue
 * latency, on- and off-CPU stacks, block I/O latency, syscalls, files) run over the same window
 * where the kernel and the privileges allow, and what they could not measure is said.
 */
public final class Diagnose {
    /** Said in a verdict made without the in-kernel collectors ({@code --no-ebpf}). */
    static final List<String> NOT_YET = List.of(
            "run-queue latency histogram, on-CPU profile and off-CPU stacks (eBPF collectors off; "
                    + "run-queue wait is measured in total from schedstat)",
            "block I/O latency, per-file I/O and system calls (eBPF collectors off)");

    private Diagnose() {}

    public static Diagnosis run(Target target, HostPaths paths, Duration window, Duration step)
            throws IOException, InterruptedException {
        return run(target, paths, window, step, true);
    }

    /** With {@code ebpf} false, only /proc and the cgroup files are read (any kernel, no CAP_BPF). */
    public static Diagnosis run(Target target, HostPaths paths, Duration window, Duration step, boolean ebpf)
            throws IOException, InterruptedException {
        return run(target, paths, window, step, ebpf, null, x -> { });
    }

    /**
     * One interval of the live view ({@code --interval}): the rules over the last interval's samples
     * (/proc and cgroup figures; the eBPF collectors report once, over the whole window).
     */
    public record Live(double seconds, Verdict verdict, Metrics metrics) {}

    /** With {@code interval} set, {@code live} gets a {@link Live} every interval while the window runs. */
    public static Diagnosis run(Target target, HostPaths paths, Duration window, Duration step, boolean ebpf,
            Duration interval, java.util.function.Consumer<Live> live) throws IOException, InterruptedException {
        return run(target, paths, window, step, ebpf, interval, live, StopRequest.NEVER);
    }

    /**
     * With {@code stop}: a stop request ends the window early; the diagnosis is then of the time
     * collected, and its verdict says the window was cut short.
     */
    public static Diagnosis run(Target target, HostPaths paths, Duration window, Duration step, boolean ebpf,
            Duration interval, java.util.function.Consumer<Live> live, StopRequest stop) throws IOException, InterruptedException {
        return run(target, paths, window, step, ebpf, interval, live, stop, () -> { });
    }

    /**
     * With {@code windowStarts}, run once the eBPF collectors are loaded and attached, just before the
     * first sample: {@code boxscope diagnose} lowers its priority there, not before loading them (on a
     * machine whose CPUs the target keeps busy, loading at nice 10 took longer than the target lived;
     * the CPU time it takes is the same at either priority).
     */
    public static Diagnosis run(Target target, HostPaths paths, Duration window, Duration step, boolean ebpf,
            Duration interval, java.util.function.Consumer<Live> live, StopRequest stop, Runnable windowStarts)
            throws IOException, InterruptedException {
        return run(target, paths, window, step, ebpf, interval, live, stop, windowStarts, phase -> { });
    }

    /**
     * With {@code phase}, told as each step ends ("runqlat collector loaded", "window", "oncpu collector read"...):
     * {@code boxscope diagnose} prints them with their time and CPU when BOXSCOPE_DEBUG is set, to see where its
     * own CPU time goes (issue 15: it is taken from the target on a machine whose CPUs the target keeps busy).
     */
    public static Diagnosis run(Target target, HostPaths paths, Duration window, Duration step, boolean ebpf,
            Duration interval, java.util.function.Consumer<Live> live, StopRequest stop, Runnable windowStarts,
            java.util.function.Consumer<String> phase) throws IOException, InterruptedException {
        return run(target, paths, window, step, ebpf, interval, live, stop, windowStarts, phase, Optional.empty());
    }

    /**
     * With {@code containers}, the scan of the host's containers made when the target was resolved (a container
     * target: {@link Targets#resolve(String, HostPaths, io.boxscope.proc.container.ContainerDiscovery,
     * java.util.function.Consumer)}): the neighbours are watched in it, not in a second scan ({@link Neighbours.Watch}).
     */
    public static Diagnosis run(Target target, HostPaths paths, Duration window, Duration step, boolean ebpf,
            Duration interval, java.util.function.Consumer<Live> live, StopRequest stop, Runnable windowStarts,
            java.util.function.Consumer<String> phase, Optional<Discovery> containers) throws IOException, InterruptedException {
        CgroupLimits limits = new CgroupLimitsReader(new CgroupFs(paths)).read(target.cgroups());
        OptionalDouble quota = limits.cpus();
        int cpus = cpusAvailable(limits, paths);
        long[] start = {0};
        java.util.function.Consumer<Window> onInterval = part -> {
            if (start[0] == 0) {
                start[0] = part.first().monoNs();
            }
            Metrics pm = Metrics.of(part, quota, cpus);
            live.accept(new Live((part.last().monoNs() - start[0]) / 1e9, Rules.judge(target, pm, List.of()), pm));
        };
        Window w;
        EbpfFindings found = EbpfFindings.NONE;
        Neighbours.Watch around = Neighbours.Watch.start(paths, target, containers);
        Collector collector = new Collector(target, paths);
        phase.accept("limits and neighbours read");
        if (ebpf) {
            // One sample before the collectors load decides which the verdict can use (CollectorPlan): a collector
            // that would measure nothing it uses is not compiled, verified nor read, and is said under NOT MEASURED.
            Snapshot before = collector.preview();
            java.util.OptionalLong device = CollectorPlan.deviceBytes(before, paths);
            List<String> notices = new ArrayList<>();
            CollectorPlan plan = CollectorPlan.of(target, before, device, CollectorPlan.countersTrusted(target, paths, notices))
                    .withNotices(notices);
            phase.accept("collectors planned (" + before.tasks().size() + " threads, " + before.tasks().stream()
                    .filter(t -> t.state() == 'D').count() + " in D, device bytes " + (device.isPresent() ? device.getAsLong() : "unknown")
                    + (plan.skipped().isEmpty() ? "; all loaded" : "; skipped: " + plan.skipped().keySet().stream().map(c -> c.script).toList())
                    + ")");
            try (Ebpf collectors = Ebpf.start(target, paths, plan, phase)) {
                windowStarts.run();
                around.begin();
                phase.accept("window starts");
                w = collector.collect(window, step, interval, onInterval, stop);
                phase.accept("window (" + (w.snapshots().size() - 1) + " samples)");
                found = collectors.finish(phase);
            }
        } else {
            windowStarts.run();
            around.begin();
            phase.accept("window starts");
            w = collector.collect(window, step, interval, onInterval, stop);
            phase.accept("window (" + (w.snapshots().size() - 1) + " samples)");
        }
        Neighbours neighbours = around.finish();
        // the cgroup's block I/O counters checked against the eBPF block collector's requests (Metrics.withBlockTraffic)
        Metrics m = Metrics.of(w, quota, cpus).withBlockTraffic(found, collector.ioCounterFiles());
        List<String> unmeasured = new ArrayList<>(ebpf ? found.unmeasured() : NOT_YET);
        if (w.targetExited()) {
            unmeasured.add(String.format(java.util.Locale.ROOT,
                    "the target's processes all exited %.1f s into the window%s: the verdict covers that time only", w.seconds(),
                    collector.pidReused() ? " (its PID now belongs to another process, started later)" : ""));
        }
        long planned = Math.max(1, window.toNanos() / step.toNanos());
        if (w.snapshots().size() - 1 < planned / 2 && !w.targetExited() && !collector.cutShort()) {
            // Late samples do not make up the ticks they missed (Collector): a diagnose starved of CPU (at
            // nice 10 on a machine whose CPUs are all busy) takes fewer samples rather than a longer window.
            unmeasured.add(String.format(java.util.Locale.ROOT,
                    "thread states: only %d of the %d samples planned were taken (diagnose got too little CPU time at "
                            + "its nice value: the machine is busy); the state shares are from those few. Rerun with "
                            + "--nice 0 for more", w.snapshots().size() - 1, planned));
        }
        if (collector.cutShort()) {
            unmeasured.add(String.format(java.util.Locale.ROOT,
                    "the window was cut short (stop requested: SIGINT or SIGTERM) %.1f s in, of the %.1f s asked for: "
                            + "the verdict covers that time only", w.seconds(), window.toMillis() / 1000.0));
        }
        Verdict v = withCompetition(Rules.judge(target, m, unmeasured, found), neighbours);
        List<String> problems = new ArrayList<>(w.problems());
        problems.addAll(limits.problems());
        problems.addAll(neighbours.problems());
        phase.accept("neighbours and verdict");
        return new Diagnosis(target, m, v, timeline(w), problems, w.vanished(), w.targetExited(), found, neighbours,
                collector.processIo());
    }

    /** Other containers must use at least this many CPUs on the target's CPUs to be named as competition. */
    static final double COMPETING_CPUS = 0.10;

    /**
     * A CPU-bound verdict names what else ran on the target's CPUs during the window (the issue's
     * "other containers competing for the same CPUs"): the containers sharing its CPUs that used at
     * least {@link #COMPETING_CPUS}, and the host's processes outside containers. Evidence only: the
     * verdict's kind and confidence stay the rules' (docs/diagnose.md).
     */
    static Verdict withCompetition(Verdict v, Neighbours n) {
        if (v.kind() != Verdict.Kind.CPU_BOUND || n.hostCpus() == 0) {
            return v;
        }
        List<String> parts = new ArrayList<>();
        for (Neighbours.Neighbour x : n.measured()) {
            if (x.sharesCpus() && x.usedCpus() >= COMPETING_CPUS) {
                parts.add(String.format(java.util.Locale.ROOT, "container %s %.2f CPUs", x.name(), x.usedCpus()));
            }
        }
        if (n.outsideContainersCpus() >= COMPETING_CPUS) {
            parts.add(String.format(java.util.Locale.ROOT, "processes outside containers %.2f CPUs", n.outsideContainersCpus()));
        }
        if (parts.isEmpty()) {
            return v;
        }
        List<String> evidence = new ArrayList<>(v.evidence());
        evidence.add(String.format(java.util.Locale.ROOT, "the host's %d CPUs were %.0f%% busy; on the target's CPUs also ran: %s",
                n.hostCpus(), 100 * n.hostBusyCpus() / n.hostCpus(), String.join(", ", parts)));
        return new Verdict(v.kind(), v.confidence(), v.summary(), evidence, v.ruledOut(), v.unmeasured(), v.nextCommands());
    }

    static List<Diagnosis.Point> timeline(Window w) {
        List<Diagnosis.Point> out = new ArrayList<>();
        Snapshot prev = null;
        for (Snapshot s : w.snapshots()) {
            double t = (s.monoNs() - w.first().monoNs()) / 1e9;
            double cores = 0;
            long throttled = 0;
            if (prev != null && s.cpuUsageNs().isPresent() && prev.cpuUsageNs().isPresent() && s.monoNs() > prev.monoNs()) {
                cores = (double) (s.cpuUsageNs().getAsLong() - prev.cpuUsageNs().getAsLong()) / (s.monoNs() - prev.monoNs());
                throttled = s.throttling().throttledPeriods() - prev.throttling().throttledPeriods();
            }
            int running = 0;
            int io = 0;
            for (TaskSample task : s.tasks()) {
                if (task.state() == 'R') {
                    running++;
                } else if (task.state() == 'D') {
                    io++;
                }
            }
            out.add(new Diagnosis.Point(t, cores, throttled, s.memory().usage(), running, io));
            prev = s;
        }
        return out;
    }

    /** The CPUs a target may run on: its cpuset, else the host's online CPUs. */
    public static int cpusAvailable(CgroupLimits limits, HostPaths paths) {
        int cpus = cpuCount(limits.cpuset());
        return cpus > 0 ? cpus : onlineCpus(paths);
    }

    /** CPUs in a cpuset list such as {@code 0-3,8,10-11}; 0 for an empty or unreadable list. */
    static int cpuCount(String list) {
        int n = 0;
        for (String part : list.strip().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                int dash = part.indexOf('-');
                n += dash < 0 ? 1 : Integer.parseInt(part.substring(dash + 1).strip()) - Integer.parseInt(part.substring(0, dash).strip()) + 1;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return n;
    }

    private static int onlineCpus(HostPaths paths) {
        try {
            Path online = paths.sysRoot().resolve("devices/system/cpu/online");
            int n = cpuCount(Files.readString(online));
            if (n > 0) {
                return n;
            }
        } catch (IOException e) {
            // fall through: the JVM's view is the best left
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
