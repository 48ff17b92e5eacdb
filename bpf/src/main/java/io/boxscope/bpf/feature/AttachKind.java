package io.boxscope.bpf.feature;

/** Ways of attaching a program that a feature probe can test by attaching for real. */
public enum AttachKind {
    TRACEPOINT, RAW_TRACEPOINT, TP_BTF, PERF_EVENT_SOFTWARE, UPROBE, KPROBE, FENTRY
}
