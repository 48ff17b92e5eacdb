package io.boxscope.diagnose;

import java.util.List;

/**
 * The result of {@code boxscope diagnose}: what was diagnosed, the figures, the verdict, and a
 * timeline (one point per sample) for charts.
 */
public record Diagnosis(Target target, Metrics metrics, Verdict verdict, List<Point> timeline, List<String> problems,
        int vanishedThreads, boolean targetExited, EbpfFindings ebpf, Neighbours neighbours,
        java.util.Optional<ProcessIo> processIo) {

    public Diagnosis {
        java.util.Objects.requireNonNull(processIo, "processIo");
        timeline = List.copyOf(timeline);
        problems = List.copyOf(problems);
        java.util.Objects.requireNonNull(ebpf, "ebpf");
        java.util.Objects.requireNonNull(neighbours, "neighbours");
    }

    /** Without a process target's own I/O ({@link ProcessIo}: a container or cgroup target, or not read). */
    public Diagnosis(Target target, Metrics metrics, Verdict verdict, List<Point> timeline, List<String> problems,
            int vanishedThreads, boolean targetExited, EbpfFindings ebpf, Neighbours neighbours) {
        this(target, metrics, verdict, timeline, problems, vanishedThreads, targetExited, ebpf, neighbours, java.util.Optional.empty());
    }

    /** Without the host around the target ({@link Neighbours#NONE}). */
    public Diagnosis(Target target, Metrics metrics, Verdict verdict, List<Point> timeline, List<String> problems,
            int vanishedThreads, boolean targetExited, EbpfFindings ebpf) {
        this(target, metrics, verdict, timeline, problems, vanishedThreads, targetExited, ebpf, Neighbours.NONE);
    }

    /** A diagnosis from /proc and cgroup figures only (no in-kernel collectors ran). */
    public Diagnosis(Target target, Metrics metrics, Verdict verdict, List<Point> timeline, List<String> problems,
            int vanishedThreads, boolean targetExited) {
        this(target, metrics, verdict, timeline, problems, vanishedThreads, targetExited, EbpfFindings.NONE);
    }

    /**
     * One sample's view: seconds since the start, CPUs used since the previous sample, throttled
     * periods since the previous sample, memory usage, and threads on a CPU or runnable, in I/O wait.
     */
    public record Point(double seconds, double cpuCores, long throttledPeriods, long memoryUsageBytes,
            int running, int ioWait) {}
}
