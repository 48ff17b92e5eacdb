package io.boxscope.probe.lang.sema;

/** How a stack is printed: {@code kstack(bpftrace)}, {@code kstack(perf)}, {@code kstack(raw)} (bpftrace(8)). */
public enum StackMode {
    BPFTRACE, PERF, RAW;

    public static StackMode of(String s) {
        return switch (s) {
            case "bpftrace" -> BPFTRACE;
            case "perf" -> PERF;
            case "raw" -> RAW;
            default -> null;
        };
    }
}
