package io.boxscope.diagnose;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.tools.stacks.StackSample;

/**
 * What the in-kernel collectors measured over the window, each optional: a collector that could not
 * run (no cgroup v2 directory to filter on, a kernel without the tracepoint, no privilege) is absent
 * and said in {@link #unmeasured}.
 *
 * @param runQueue run-queue latency of the target's threads (runqlat), microseconds
 * @param onCpu the target's on-CPU stacks, samples at {@code onCpuHz}
 * @param offCpu off-CPU stacks by thread, microseconds
 * @param offCpuByReason off-CPU microseconds by why the thread was off (preempted counts as RUNNING: it wanted a CPU)
 * @param blockIo block I/O latency of the target's requests (charged to its cgroup v2 or submitted by it, {@link BlockRequests}), microseconds
 * @param syscalls system calls by count, time and failures, biggest time first
 * @param failures failed system calls by name and errno, most first
 * @param files files by bytes and by time
 * @param syscallsTracedShare the share of the window the system calls were traced: below 1 when the target
 *        made so many calls that tracing each would have cost it too much; the syscall, failure and file
 *        figures are then scaled up from that share ({@link SyscallCounters})
 * @param onCpuSymbolsMissing kernel frames of the on-CPU stacks shown as {@code [unknown]} because kallsyms could not
 *        be read, and why (the probe runtime's count, {@code StackRun.Result}); empty when every one was looked up
 * @param offCpuSymbolsMissing the same for the off-CPU stacks
 * @param blockTraffic bytes and requests of the same block requests as {@code blockIo}, by direction: the target's
 *        block I/O measured in the kernel, used where its cgroup's counters do not move ({@link Metrics#withBlockTraffic})
 * @param exited the target's tasks that exited in the window, by command, most CPU first: processes too short-lived for
 *        the /proc samples ({@code ebpf-exits.bt})
 */
public record EbpfFindings(Optional<LatencyHistogram> runQueue, Optional<List<StackSample>> onCpu, int onCpuHz,
        Optional<List<StackSample>> offCpu, Map<OffCpu, Long> offCpuByReason, Optional<LatencyHistogram> blockIo,
        Optional<List<Syscall>> syscalls, List<Failure> failures, Optional<List<FileIo>> files, List<String> unmeasured,
        double syscallsTracedShare, Optional<KernelSymbolsMissing> onCpuSymbolsMissing,
        Optional<KernelSymbolsMissing> offCpuSymbolsMissing, Optional<BlockTraffic> blockTraffic,
        Optional<List<Exited>> exited) {

    public static final EbpfFindings NONE = new EbpfFindings(Optional.empty(), Optional.empty(), 0, Optional.empty(), Map.of(),
            Optional.empty(), Optional.empty(), List.of(), Optional.empty(), List.of(), 1);

    /** Findings without the block traffic and the exited processes (collectors that did not run). */
    public EbpfFindings(Optional<LatencyHistogram> runQueue, Optional<List<StackSample>> onCpu, int onCpuHz,
            Optional<List<StackSample>> offCpu, Map<OffCpu, Long> offCpuByReason, Optional<LatencyHistogram> blockIo,
            Optional<List<Syscall>> syscalls, List<Failure> failures, Optional<List<FileIo>> files, List<String> unmeasured,
            double syscallsTracedShare, Optional<KernelSymbolsMissing> onCpuSymbolsMissing,
            Optional<KernelSymbolsMissing> offCpuSymbolsMissing) {
        this(runQueue, onCpu, onCpuHz, offCpu, offCpuByReason, blockIo, syscalls, failures, files, unmeasured, syscallsTracedShare,
                onCpuSymbolsMissing, offCpuSymbolsMissing, Optional.empty(), Optional.empty());
    }

    /** Findings whose kernel frames were all looked up (kallsyms readable). */
    public EbpfFindings(Optional<LatencyHistogram> runQueue, Optional<List<StackSample>> onCpu, int onCpuHz,
            Optional<List<StackSample>> offCpu, Map<OffCpu, Long> offCpuByReason, Optional<LatencyHistogram> blockIo,
            Optional<List<Syscall>> syscalls, List<Failure> failures, Optional<List<FileIo>> files, List<String> unmeasured,
            double syscallsTracedShare) {
        this(runQueue, onCpu, onCpuHz, offCpu, offCpuByReason, blockIo, syscalls, failures, files, unmeasured, syscallsTracedShare,
                Optional.empty(), Optional.empty());
    }

    /** Findings whose system calls were traced over the whole window. */
    public EbpfFindings(Optional<LatencyHistogram> runQueue, Optional<List<StackSample>> onCpu, int onCpuHz,
            Optional<List<StackSample>> offCpu, Map<OffCpu, Long> offCpuByReason, Optional<LatencyHistogram> blockIo,
            Optional<List<Syscall>> syscalls, List<Failure> failures, Optional<List<FileIo>> files, List<String> unmeasured) {
        this(runQueue, onCpu, onCpuHz, offCpu, offCpuByReason, blockIo, syscalls, failures, files, unmeasured, 1);
    }

    public EbpfFindings {
        java.util.Objects.requireNonNull(onCpuSymbolsMissing, "onCpuSymbolsMissing");
        java.util.Objects.requireNonNull(offCpuSymbolsMissing, "offCpuSymbolsMissing");
        java.util.Objects.requireNonNull(blockTraffic, "blockTraffic");
        exited = exited.map(List::copyOf);
        offCpuByReason = Map.copyOf(offCpuByReason);
        failures = List.copyOf(failures);
        unmeasured = List.copyOf(unmeasured);
    }

    /** One system call: calls, total time in it, calls that failed. */
    public record Syscall(String name, long count, long totalNs, long errors) {}

    /** Calls of {@code name} that failed with {@code errno} (a name such as ENOENT, or the number). */
    public record Failure(String name, String errno, long count) {}

    /** One open file of the target: path (or a description when it was closed before the end), bytes moved, time in read/write/fsync. */
    public record FileIo(String path, int pid, int fd, long bytes, long totalNs, long syncs, int descriptors) {}

    /**
     * The target's block requests completed in the window, as the block I/O latency collector attributed them
     * ({@link BlockRequests}): bytes and requests read and written (other operations, such as the flushes an fsync
     * sends, move no data and are left out, as the cgroup counters leave them out).
     */
    public record BlockTraffic(long readBytes, long writeBytes, long readOps, long writeOps) {
        /** Read and write requests together. */
        public long ops() {
            return readOps + writeOps;
        }
    }

    /**
     * Tasks of the target that exited in the window with command {@code command}: {@code processes} whole processes
     * (their last thread exited), {@code cpuNs} the CPU time of every such task over its whole life (threads and
     * processes; a task that started before the window brings its earlier CPU time too).
     */
    public record Exited(String command, long processes, long cpuNs) {}

    /** Total on-CPU samples. */
    public long onCpuSamples() {
        return onCpu.map(l -> l.stream().mapToLong(StackSample::weight).sum()).orElse(0L);
    }

    /** Total off-CPU microseconds. */
    public long offCpuUs() {
        return offCpuByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** A function and the on-CPU samples taken while it ran (its own, not its callees'). */
    public record Function(String name, long samples) {}

    /** The {@code n} functions most often running (the innermost frame of each sample), most first. */
    public List<Function> topFunctions(int n) {
        java.util.Map<String, Long> by = new java.util.HashMap<>();
        // A frame without a symbol (a stripped binary) is named by its command, so it still says whose.
        onCpu.orElse(List.of()).forEach(s -> by.merge(s.leaf().equals("[unknown]") ? "[unknown in " + s.comm() + "]" : s.leaf(),
                s.weight(), Long::sum));
        return by.entrySet().stream()
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(java.util.Map.Entry::getKey))
                .limit(n).map(e -> new Function(e.getKey(), e.getValue())).toList();
    }
}
