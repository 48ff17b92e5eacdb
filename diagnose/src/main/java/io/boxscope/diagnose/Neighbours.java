package io.boxscope.diagnose;

import io.boxscope.proc.HostPaths;
import io.boxscope.proc.ProcParseException;
import io.boxscope.proc.SystemCpu;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.Discovery;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The host around a target during the window: how busy its CPUs were, and which other containers
 * used CPU time on the CPUs the target may run on. What a "CPU-bound, contended" verdict needs to
 * name the competition (issue 15: "other containers competing for the same CPUs").
 *
 * <p>Each other container's CPU time is its cgroup's counter (the same files {@link Sampler} reads)
 * at the start and the end of the window (the containers are found earlier, before the eBPF collectors
 * load; their counters are read when the window starts, {@link Watch#begin}); the host's from /proc/stat. A container "shares CPUs"
 * with the target when the CPUs its first process may run on (Cpus_allowed_list, proc(5)) meet the
 * target's. Containers that start during the window are not counted (their share shows in the
 * host's total); ones that stop are left out.
 *
 * @param hostBusyCpus CPUs' worth of busy time on the whole host during the window
 * @param hostCpus CPUs the host has
 * @param outsideContainersCpus busy time not in the target nor in another container (host processes, kernel)
 * @param measured every other container measured over the window, by CPU used, most first ({@link #top} the
 *                 first {@link #TOP} of them, what the text names)
 * @param containers other containers watched (those that stopped during the window are not in {@code measured})
 * @param problems what could not be read
 */
public record Neighbours(double hostBusyCpus, int hostCpus, double outsideContainersCpus, List<Neighbour> measured,
        int containers, List<String> problems) {
    public Neighbours {
        measured = List.copyOf(measured);
        problems = List.copyOf(problems);
    }

    /** The containers a one-line summary names: the first {@link #TOP} of {@link #measured}. */
    public static final int TOP = 5;

    /** The other containers that used most CPU, at most {@link #TOP}, most first. */
    public List<Neighbour> top() {
        return measured.subList(0, Math.min(TOP, measured.size()));
    }

    /** Containers watched that stopped during the window (no figure for them). */
    public int stopped() {
        return Math.max(0, containers - measured.size());
    }

    /** One other container: name (or short id), full id, CPUs used over the window, and whether its CPUs meet the target's. */
    public record Neighbour(String name, String id, double usedCpus, boolean sharesCpus) {}

    /** Nothing measured (no window yet, or the host's /proc/stat unreadable). */
    public static final Neighbours NONE = new Neighbours(0, 0, 0, List.of(), 0, List.of());

    /** The start of a window: the host's CPU counters and every other container's. */
    public static final class Watch {
        private final HostPaths paths;
        private Optional<SystemCpu> host0 = Optional.empty();
        private long t0;
        private boolean begun;
        private final List<ContainerInfo> found = new ArrayList<>();
        private final Map<String, ContainerInfo> others = new HashMap<>();
        private final Map<String, Long> usage0 = new HashMap<>();
        private final List<String> problems = new ArrayList<>();
        private final BitSet targetCpus;

        private Watch(HostPaths paths, Target target, Discovery discovery) {
            this.paths = paths;
            this.targetCpus = allowed(paths, target.pid().isPresent() ? target.pid()
                    : target.container().flatMap(c -> c.pids().stream().findFirst()).map(OptionalInt::of).orElse(OptionalInt.empty()));
            String self = target.container().map(c -> c.ref().id()).orElse("");
            for (ContainerInfo c : discovery.containers()) {
                if (!c.ref().id().equals(self)) {
                    found.add(c);
                }
            }
        }

        /**
         * The window starts: the host's and every other container's CPU counters are read now. Not in
         * {@link #start}: diagnose finds the containers before loading its eBPF collectors, which takes
         * seconds on a busy machine, and counters read then made the neighbours' CPUs those of the load
         * time and the window together (while the target's figures are of the window alone).
         */
        public void begin() {
            begun = true;
            t0 = System.nanoTime();
            host0 = host(paths, problems);
            for (ContainerInfo c : found) {
                OptionalLong u = usage(c);
                if (u.isPresent()) {
                    others.put(c.ref().id(), c);
                    usage0.put(c.ref().id(), u.getAsLong());
                }
            }
        }

        /**
         * Finds the containers around {@code target} (discovery problems become {@code problems}, never an
         * exception); their CPU counters are read from {@link #begin}, when the window starts.
         */
        public static Watch start(HostPaths paths, Target target) {
            return start(paths, target, Optional.empty());
        }

        /**
         * As {@link #start(HostPaths, Target)}, in {@code scan} when given: the scan that found a container target
         * ({@link Targets#resolve(String, HostPaths, ContainerDiscovery, java.util.function.Consumer)}), made just
         * before; a scan of every process costs ~40-50 ms of CPU on a busy machine (issue 15).
         */
        public static Watch start(HostPaths paths, Target target, Optional<Discovery> scan) {
            if (scan.isPresent()) {
                return new Watch(paths, target, scan.get());
            }
            Discovery d;
            try {
                d = ContainerDiscovery.of(paths).scan();
            } catch (IOException | RuntimeException e) {
                Watch w = new Watch(paths, target, new Discovery(List.of(), 0, 0, List.of()));
                w.problems.add("other containers not watched: " + e.getMessage());
                return w;
            }
            return new Watch(paths, target, d);
        }

        /** The window's figures, from {@link #begin} to now. */
        public Neighbours finish() {
            if (!begun) {
                throw new IllegalStateException("Neighbours.Watch.finish before begin");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Optional<SystemCpu> host1 = host(paths, problems);
            List<Neighbour> all = new ArrayList<>();
            double containersCpus = 0;
            for (Map.Entry<String, ContainerInfo> e : others.entrySet()) {
                OptionalLong u = usage(e.getValue());
                if (u.isEmpty() || seconds <= 0) {
                    continue; // stopped during the window
                }
                double used = Math.max(0, u.getAsLong() - usage0.get(e.getKey())) / 1e9 / seconds;
                containersCpus += used;
                BitSet theirs = allowed(paths, e.getValue().pids().stream().findFirst().map(OptionalInt::of).orElse(OptionalInt.empty()));
                boolean shares = targetCpus.isEmpty() || theirs.isEmpty() || theirs.intersects(targetCpus);
                all.add(new Neighbour(e.getValue().displayName(), e.getKey(), used, shares));
            }
            all.sort(Comparator.comparingDouble(Neighbour::usedCpus).reversed().thenComparing(Neighbour::name));
            if (host0.isEmpty() || host1.isEmpty()) {
                return new Neighbours(0, 0, 0, all, others.size(), problems);
            }
            double busy = host1.get().busyCpusSince(host0.get());
            return new Neighbours(busy, host1.get().cpus(), Math.max(0, busy - containersCpus),
                    all, others.size(), problems);
        }

        private OptionalLong usage(ContainerInfo c) {
            Sampler s = new Sampler(new Target(Target.Kind.CONTAINER, c.displayName(), Optional.of(c), c.cgroups(),
                    OptionalInt.empty()), paths);
            return s.cpuUsageNs(); // empty when its cgroup is gone: the container stopped
        }
    }

    private static Optional<SystemCpu> host(HostPaths paths, List<String> problems) {
        try {
            return Optional.of(SystemCpu.read(paths));
        } catch (IOException | ProcParseException e) {
            problems.add("host CPU time unreadable: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The CPUs a process may run on (Cpus_allowed_list in /proc/PID/status); empty if unknown. */
    private static BitSet allowed(HostPaths paths, OptionalInt pid) {
        if (pid.isEmpty()) {
            return new BitSet();
        }
        try {
            for (String line : Files.readAllLines(paths.procRoot().resolve(Integer.toString(pid.getAsInt())).resolve("status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return SystemCpu.cpuList(line.substring("Cpus_allowed_list:".length()));
                }
            }
        } catch (IOException | ProcParseException e) {
            // exited, or not ours to read: treated as "may run anywhere"
        }
        return new BitSet();
    }
}
