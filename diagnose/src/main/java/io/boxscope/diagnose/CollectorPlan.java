package io.boxscope.diagnose;

import java.io.IOException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.ProcIo;
import io.boxscope.proc.Procfs;

/**
 * Which eBPF collectors a window loads, decided from one sample of the target taken just before they load
 * (issue 15: diagnose may cost its target at most 3 % of its throughput, and on a machine whose CPUs the
 * target keeps busy every collector's compiling, verifying and reading is CPU the target does not get).
 *
 * <p>A collector is left out only when that sample shows it would measure nothing the verdict uses, and the
 * report says so under NOT MEASURED with the reason (never silently). Today that is the block I/O latency
 * collector, for a target that has read or written (almost) nothing to a device and has no thread in I/O wait:
 * its histogram is evidence for an I/O-bound verdict, which the rules reach from thread states (D) and I/O
 * pressure, both still read through the window. It is the collector whose load costs most after runqlat (its
 * script reads {@code struct request} members, so compiling it parses the kernel's BTF; docs/benchmarks.md).
 *
 * <p>"Never did block I/O" (less than {@link #QUIET_BYTES}) is {@code read_bytes + write_bytes} of proc(5)'s {@code /proc/PID/io}: bytes the
 * process (its live and exited threads, and its reaped children) caused to be read from or sent to storage,
 * page-cache writes counted when dirtied and direct I/O when submitted (include/linux/task_io_accounting_ops.h
 * callers). For a container or cgroup target its cgroup's own counters ({@code io.stat} or v1 blkio) must be
 * zero too: processes of it that already exited did their I/O there. An unreadable {@code io} file (another
 * user namespace, a process gone) means "not known": the collector loads.
 */
record CollectorPlan(Set<Ebpf.Collector> load, Map<Ebpf.Collector, String> skipped, java.util.List<String> notices) {
    /**
     * Device bytes in a target's life below which it counts as doing no block I/O: write_bytes counts page-cache
     * pages when they are dirtied, so a benchmark whose standard output goes to a file has a few pages (sysbench
     * here: 8,192 bytes by the time diagnose looked). 1 MiB is a log's worth, not a workload's.
     */
    static final long QUIET_BYTES = 1 << 20;

    CollectorPlan {
        load = Set.copyOf(load);
        skipped = Map.copyOf(skipped);
        notices = java.util.List.copyOf(notices);
    }

    /** A plan with nothing to say besides what it leaves out. */
    CollectorPlan(Set<Ebpf.Collector> load, Map<Ebpf.Collector, String> skipped) {
        this(load, skipped, java.util.List.of());
    }

    /** This plan with {@code more} said too (shown under NOT MEASURED with the skipped collectors). */
    CollectorPlan withNotices(java.util.List<String> more) {
        java.util.List<String> all = new java.util.ArrayList<>(notices);
        all.addAll(more);
        return new CollectorPlan(load, skipped, all);
    }

    /** Every collector: no sample to decide from (the {@code Ebpf.start} overloads without a plan). */
    static CollectorPlan all() {
        return new CollectorPlan(EnumSet.allOf(Ebpf.Collector.class), Map.of());
    }

    /** The plan for {@code target} from {@code first}, a full sample taken just before the collectors load. */
    static CollectorPlan of(Target target, Snapshot first, HostPaths paths) {
        java.util.List<String> notices = new java.util.ArrayList<>();
        return of(target, first, deviceBytes(first, paths), countersTrusted(target, paths, notices)).withNotices(notices);
    }

    /** As below, the cgroup's I/O counters trusted (a cgroup v2 {@code io.stat}). */
    static CollectorPlan of(Target target, Snapshot first, OptionalLong deviceBytes) {
        return of(target, first, deviceBytes, true);
    }

    /**
     * Whether a zero in the target's cgroup I/O counters means no I/O: only v2 {@code io.stat}. Cgroup v1
     * {@code blkio.throttle.io_service*} stay at 0 on some kernels (this machine's, a hybrid host, while the eBPF collector
     * counts the cgroup's requests: docs/diagnose.md, "Block I/O bytes"), so there they are not known, and the block
     * collector loads for a container or cgroup target. A cgroup path that cannot be placed in this host's v2 tree
     * (CgroupNamespaceException: a private cgroup namespace) is "cannot tell": not trusted, and why is added to
     * {@code notices}, which the report shows.
     */
    static boolean countersTrusted(Target target, HostPaths paths, java.util.List<String> notices) {
        try {
            return new io.boxscope.proc.cgroup.CgroupFs(paths).unifiedDir(target.cgroups())
                    .map(d -> java.nio.file.Files.isRegularFile(d.resolve("io.stat"))).orElse(false);
        } catch (RuntimeException e) {
            notices.add("whether the cgroup's I/O counters can say \"no I/O\": cannot tell (" + e.getMessage()
                    + "), so they do not decide whether the block I/O latency collector loads");
            return false;
        }
    }

    /**
     * As above with {@code deviceBytes}, the bytes the target's processes read from or wrote to devices in their
     * lives (empty: not known), and whether its cgroup's I/O counters can be trusted to say "no I/O"
     * ({@link #countersTrusted}; when not, a container or cgroup target's counters count as not known).
     */
    static CollectorPlan of(Target target, Snapshot first, OptionalLong deviceBytes, boolean countersTrusted) {
        EnumSet<Ebpf.Collector> load = EnumSet.allOf(Ebpf.Collector.class);
        Map<Ebpf.Collector, String> skipped = new EnumMap<>(Ebpf.Collector.class);
        boolean ioWait = first.tasks().stream().anyMatch(t -> t.state() == 'D');
        // a process target's cgroup may be the host's root (its io counters are every process's): its own /proc
        // counters decide alone; a container's or cgroup's exited processes did their I/O in its cgroup
        boolean cgroupIo = target.kind() != Target.Kind.PROCESS
                && (!countersTrusted // v1 blkio: a 0 there is no evidence
                        || first.io().map(io -> io.readBytes() + io.writeBytes() + io.readOps() + io.writeOps() > 0).orElse(true)); // unreadable: not known
        if (first.processes() > 0 && !first.tasks().isEmpty() && !ioWait && !cgroupIo && deviceBytes.isPresent()
                && deviceBytes.getAsLong() < QUIET_BYTES) {
            load.remove(Ebpf.Collector.BIOLAT);
            skipped.put(Ebpf.Collector.BIOLAT, Ebpf.Collector.BIOLAT.what + ": not loaded, to spare the target's CPU: "
                    + "when the window started none of its threads was in I/O wait (D) and its processes had read or written "
                    + deviceBytes.getAsLong() + " bytes to devices in their lives, less than 1 MiB (/proc/PID/io read_bytes, write_bytes"
                    + (target.kind() == Target.Kind.PROCESS ? "" : "; its cgroup's I/O counters 0")
                    + "); I/O that starts in the window is still judged from thread states and I/O PSI");
        }
        return new CollectorPlan(load, skipped);
    }

    /** The sum of read_bytes and write_bytes of the processes {@code first} saw; empty when one cannot be read. */
    static OptionalLong deviceBytes(Snapshot first, HostPaths paths) {
        Set<Integer> pids = new TreeSet<>();
        first.tasks().forEach(t -> pids.add(t.pid()));
        Procfs procfs = new Procfs(paths);
        long sum = 0;
        for (int pid : pids) {
            try {
                ProcIo io = procfs.io(pid);
                sum += io.readBytes() + io.writeBytes();
            } catch (IOException | RuntimeException e) {
                // not known (gone, denied, no CONFIG_TASK_IO_ACCOUNTING, not proc(5)'s format): the collector loads
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(sum);
    }
}
