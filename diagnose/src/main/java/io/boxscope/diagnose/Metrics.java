package io.boxscope.diagnose;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The figures a verdict is made from, computed from a {@link Window}: rates over the window and
 * shares of sampled thread states. Every field is a plain number so the JSON and HTML views and the
 * rules read the same values.
 *
 * @param cpuCores CPU time used per second of the window (1.0 = one CPU busy); NaN if unknown
 * @param cpuQuota the CPU limit in CPUs (cpu.max or cfs quota); empty when unlimited
 * @param cpusAvailable CPUs it may run on: its cpuset, else the host's online CPUs
 * @param throttledShare throttled periods / periods in the window, 0..1
 * @param throttledSeconds time the cgroup spent throttled in the window
 * @param runWaitShare run-queue wait / (wait + on-CPU time) of its threads: how much of the time it
 *     wanted a CPU it did not get one (schedstat's run_delay, the sum runqlat's histogram shows)
 * @param threadsWantingCpu average number of its threads on a CPU or waiting for one
 * @param activeThreads threads that ran at least once in the window (or were seen running or in D)
 * @param stateShare share of samples of active threads in each state
 * @param wakeupsPerSecond times its threads were put on a CPU, per second (schedstat timeslices)
 * @param memoryLimitBytes 0 if none
 * @param oomKills OOM kills in the window (-1 if the kernel does not say)
 * @param pressure some/full stall shares (0..1) over the window, per resource, and their scope
 * @param ioKnown whether the block I/O rates (read/write bytes and operations per second) are a measurement, from
 *     {@code ioSource}
 * @param ioSource where the block I/O rates come from
 * @param ioCounterNotMeasured why the cgroup's I/O counters are not a measurement in this window (they did not move while
 *     the eBPF block collector attributed requests to the target), or empty
 */
public record Metrics(double seconds, int samples, int processes, int threads, double cpuCores,
        OptionalDouble cpuQuota, int cpusAvailable, double throttledShare, double throttledSeconds,
        double runWaitShare, double threadsWantingCpu, int activeThreads, Map<OffCpu, Double> stateShare,
        double wakeupsPerSecond, boolean memoryKnown, long memoryUsageBytes, long memoryPeakBytes,
        long memoryLimitBytes, long workingSetBytes, long pageCacheBytes, long memoryGrowthBytes,
        double majorFaultsPerSecond, long oomKills, boolean ioKnown, double readBytesPerSecond,
        double writeBytesPerSecond, double readOpsPerSecond, double writeOpsPerSecond,
        PressureShares pressure, Map<String, Double> topCommsByCpu, IoSource ioSource,
        java.util.Optional<String> ioCounterNotMeasured) {

    /** Where the block I/O rates come from. */
    public enum IoSource {
        /** The cgroup's counters: v2 {@code io.stat}, else v1 {@code blkio.throttle.io_service*}. */
        CGROUP,
        /**
         * The eBPF block I/O collector's requests ({@link EbpfFindings#blockTraffic}): the cgroup counters did not move
         * while it attributed requests to the target, or the target (a process) has no counters of its own.
         */
        EBPF,
        /** Neither: the rates are not measured ({@code ioKnown} false). */
        NONE
    }

    /** Stall shares over the window (0..1), from the PSI totals. */
    public record PressureShares(Snapshot.Scope scope, double cpuSome, double memorySome, double memoryFull,
            double ioSome, double ioFull) {}

    public double stateShare(OffCpu s) {
        return stateShare.getOrDefault(s, 0.0);
    }

    /** Working set over the limit, 0..1; 0 without a limit. */
    public double workingSetOfLimit() {
        return memoryLimitBytes <= 0 ? 0 : (double) workingSetBytes / memoryLimitBytes;
    }

    /** Computes the metrics of a window; {@code quota} and {@code cpus} come from the cgroup limits. */
    public static Metrics of(Window w, OptionalDouble quota, int cpus) {
        Snapshot a = w.first();
        Snapshot b = w.last();
        double secs = Math.max(w.seconds(), 1e-9);

        // Per thread: first and last schedstat seen, and whether it ran (or was seen running/in D).
        Map<Integer, long[]> first = new HashMap<>();
        Map<Integer, long[]> last = new HashMap<>();
        Map<Integer, String> comm = new HashMap<>();
        Map<Integer, Boolean> seenBusy = new HashMap<>();
        java.util.Set<Integer> atStart = new java.util.HashSet<>();
        for (TaskSample t : a.tasks()) {
            atStart.add(t.tid());
        }
        for (Snapshot s : w.snapshots()) {
            for (TaskSample t : s.tasks()) {
                long[] v = {t.runNs(), t.waitNs(), t.timeslices()};
                first.putIfAbsent(t.tid(), v);
                last.put(t.tid(), v);
                comm.put(t.tid(), t.comm());
                if (t.state() == 'R' || t.state() == 'D') {
                    seenBusy.put(t.tid(), true);
                }
            }
        }
        long run = 0;
        long wait = 0;
        long slices = 0;
        Map<String, Double> byComm = new HashMap<>();
        java.util.Set<Integer> active = new java.util.HashSet<>();
        for (var e : last.entrySet()) {
            long[] f = first.get(e.getKey());
            long[] l = e.getValue();
            long dr = Math.max(0, l[0] - f[0]);
            run += dr;
            wait += Math.max(0, l[1] - f[1]);
            slices += Math.max(0, l[2] - f[2]);
            byComm.merge(comm.get(e.getKey()), dr / 1e9 / secs, Double::sum);
            // Active: it ran in the window, or was seen running or in D, or was born in the window (a
            // short-lived child such as a shell loop's `sleep` is the workload's time even if it
            // only slept while we looked).
            if (l[2] > f[2] || seenBusy.getOrDefault(e.getKey(), false) || !atStart.contains(e.getKey())) {
                active.add(e.getKey());
            }
        }
        Map<OffCpu, Double> share = new EnumMap<>(OffCpu.class);
        int activeSamples = 0;
        for (Snapshot s : w.snapshots()) {
            for (TaskSample t : s.tasks()) {
                if (active.contains(t.tid()) && t.reason() != OffCpu.CHILD && t.reason() != OffCpu.GONE) {
                    share.merge(t.reason(), 1.0, Double::sum);
                    activeSamples++;
                }
            }
        }
        for (var e : share.entrySet()) {
            e.setValue(e.getValue() / activeSamples);
        }

        // CPU time over the interval between the first and the last snapshot that read the counter, not
        // over the whole window: a process target that exits has no counter in the last snapshot.
        Snapshot cpuFrom = null;
        Snapshot cpuTo = null;
        for (Snapshot s : w.snapshots()) {
            if (s.cpuUsageNs().isPresent()) {
                cpuFrom = cpuFrom == null ? s : cpuFrom;
                cpuTo = s;
            }
        }
        double cpuCores = cpuFrom != null && cpuTo.monoNs() > cpuFrom.monoNs()
                ? (cpuTo.cpuUsageNs().getAsLong() - cpuFrom.cpuUsageNs().getAsLong()) / 1e9 / ((cpuTo.monoNs() - cpuFrom.monoNs()) / 1e9)
                : run / 1e9 / secs;
        long periods = b.throttling().periods() - a.throttling().periods();
        long throttled = b.throttling().throttledPeriods() - a.throttling().throttledPeriods();
        double throttledSecs = (b.throttling().throttledNanos() - a.throttling().throttledNanos()) / 1e9;

        Snapshot.MemorySample ma = a.memory();
        Snapshot.MemorySample mb = b.memory();
        long peak = 0;
        for (Snapshot s : w.snapshots()) {
            peak = Math.max(peak, s.memory().usage());
        }
        long oom = mb.oomKillsKnown() ? mb.oomKills() - ma.oomKills() : -1;

        double rB = 0;
        double wB = 0;
        double rO = 0;
        double wO = 0;
        boolean ioKnown = a.io().isPresent() && b.io().isPresent();
        if (ioKnown) {
            var d = b.io().get().minus(a.io().get());
            rB = d.readBytes() / secs;
            wB = d.writeBytes() / secs;
            rO = d.readOps() / secs;
            wO = d.writeOps() / secs;
        }
        double us = secs * 1e6;
        var pa = a.pressure();
        var pb = b.pressure();
        PressureShares psi = new PressureShares(pb.scope(),
                clamp((pb.cpu().some().totalUs() - pa.cpu().some().totalUs()) / us),
                clamp((pb.memory().some().totalUs() - pa.memory().some().totalUs()) / us),
                clamp((pb.memory().full().totalUs() - pa.memory().full().totalUs()) / us),
                clamp((pb.io().some().totalUs() - pa.io().some().totalUs()) / us),
                clamp((pb.io().full().totalUs() - pa.io().full().totalUs()) / us));

        Map<String, Double> top = new java.util.LinkedHashMap<>();
        byComm.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(), x.getValue())).limit(5)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        // Processes as threads are counted: every one seen in the window (a shell loop's children, an OOM-killed
        // command started again), at least as many as were in the cgroup at once; the most at once beside the threads
        // seen read "2 process(es), 49 thread(s)" for a loop of 48 single-threaded commands.
        int maxProcs = 0;
        java.util.Set<Integer> pids = new java.util.HashSet<>();
        for (Snapshot s : w.snapshots()) {
            maxProcs = Math.max(maxProcs, s.processes());
            for (TaskSample t : s.tasks()) {
                pids.add(t.pid());
            }
        }
        maxProcs = Math.max(maxProcs, pids.size());
        return new Metrics(w.seconds(), w.snapshots().size(), maxProcs, last.size(), cpuCores, quota, cpus,
                periods <= 0 ? 0 : (double) throttled / periods, throttledSecs,
                run + wait == 0 ? 0 : (double) wait / (run + wait), (run + wait) / 1e9 / secs, active.size(), share,
                slices / secs, mb.present(), mb.usage(), peak, mb.limit(), mb.workingSet(), mb.pageCache(),
                mb.usage() - ma.usage(), (mb.majorFaults() - ma.majorFaults()) / secs, oom, ioKnown, rB, wB, rO, wO,
                psi, top, ioKnown ? IoSource.CGROUP : IoSource.NONE, java.util.Optional.empty());
    }

    /**
     * These metrics with the block I/O rates judged against what the eBPF block collector saw over the same window.
     * A cgroup counter that did not move while the collector attributed read or write requests to the target is not a
     * measurement of 0: this kernel leaves cgroup v1 {@code blkio.throttle.io_service*_recursive} at 0 (docs/diagnose.md,
     * "Block I/O bytes"). Then, and for a target without counters (a process), the collector's bytes and requests are
     * the figures ({@link IoSource#EBPF}), with the reason the counters were not used; a counter that moved, or a
     * collector that did not run or saw nothing, leaves the cgroup's figures as they are. A process's figures are then
     * only the requests its own tasks submitted (in blk_mq_submit_bio's context, {@link BlockRequests}): its buffered
     * writes reach the disk from writeback's kernel threads, so a collector that saw none leaves it not measured, never
     * a confident 0. {@code counterFiles} names the files the counters were read from ({@link Sampler#ioCounterFiles()}).
     */
    public Metrics withBlockTraffic(EbpfFindings e, String counterFiles) {
        if (e.blockTraffic().isEmpty() || ioSource == IoSource.EBPF) {
            return this;
        }
        EbpfFindings.BlockTraffic t = e.blockTraffic().get();
        boolean countersStill = ioSource == IoSource.CGROUP && readOpsPerSecond == 0 && writeOpsPerSecond == 0
                && readBytesPerSecond == 0 && writeBytesPerSecond == 0;
        java.util.Optional<String> why;
        if (t.ops() == 0) {
            // nothing seen is no measurement of 0 (a process's buffered writes are flushed by kernel threads)
            return this;
        } else if (countersStill) {
            why = java.util.Optional.of(String.format(java.util.Locale.ROOT,
                    "the cgroup's I/O counters (%s) did not move while the eBPF block I/O collector attributed %d read and %d "
                            + "write requests to the target%s",
                    counterFiles, t.readOps(), t.writeOps(), counterFiles.startsWith("blkio.")
                            ? " (cgroup v1 blkio.throttle.io_service*_recursive stay at 0 on some kernels)" : ""));
        } else if (ioSource == IoSource.NONE) {
            why = java.util.Optional.of(String.format(java.util.Locale.ROOT,
                    "the target has no I/O counters of its own: the figures are the %d read and %d write requests its tasks "
                            + "submitted themselves; data written through the page cache and flushed later by kernel "
                            + "threads is not among them", t.readOps(), t.writeOps()));
        } else {
            return this;
        }
        double secs = Math.max(seconds, 1e-9);
        return new Metrics(seconds, samples, processes, threads, cpuCores, cpuQuota, cpusAvailable, throttledShare,
                throttledSeconds, runWaitShare, threadsWantingCpu, activeThreads, stateShare, wakeupsPerSecond, memoryKnown,
                memoryUsageBytes, memoryPeakBytes, memoryLimitBytes, workingSetBytes, pageCacheBytes, memoryGrowthBytes,
                majorFaultsPerSecond, oomKills, true, t.readBytes() / secs, t.writeBytes() / secs, t.readOps() / secs,
                t.writeOps() / secs, pressure, topCommsByCpu, IoSource.EBPF, why);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
