package io.boxscope.bpf.feature;

/**
 * Ways of attaching a program that a feature probe can test by attaching for real. PERF_EVENT_HARDWARE is a
 * generalized hardware counter (cpu-cycles), missing in most virtual machines.
 */
public enum AttachKind {
    TRACEPOINT, RAW_TRACEPOINT, TP_BTF, PERF_EVENT_SOFTWARE, PERF_EVENT_HARDWARE, UPROBE, KPROBE, FENTRY
}
