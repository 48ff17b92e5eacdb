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
 */
public record EbpfFindings(Optional<LatencyHistogram> runQueue, Optional<List<StackSample>> onCpu, int onCpuHz,
        Optional<List<StackSample>> offCpu, Map<OffCpu, Long> offCpuByReason, Optional<LatencyHistogram> blockIo,
        Optional<List<Syscall>> syscalls, List<Failure> failures, Optional<List<FileIo>> files, List<String> unmeasured,
        double syscallsTracedShare, Optional<KernelSymbolsMissing> onCpuSymbolsMissing,
        Optional<KernelSymbolsMissing> offCpuSymbolsMissing) {

    public static final EbpfFindings NONE = new EbpfFindings(Optional.empty(), Optional.empty(), 0, Optional.empty(), Map.of(),
            Optional.empty(), Optional.empty(), List.of(), Optional.empty(), List.of(), 1);

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
        offCpuByReason = Map.copyOf(offCpuByReason);
        failures = List.copyOf(failures);
        unmeasured = List.copyOf(unmeasured);
    }

    /** One system call: calls, total time in it, calls that failed. */
    public record Syscall(String name, long count, long totalNs, long errors) {}

    /** Calls of {@code name} that failed with {@code errno} (a name such as ENOENT, or the number). */
    public record Failure(String name, String errno, long count) {}

    /** One open file of the target: path (or a description when it was closed before the end), bytes moved, time in read/write/fsync. */
    public record FileIo(String path, int pid, int fd, long bytes, long totalNs, long syncs) {}

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
