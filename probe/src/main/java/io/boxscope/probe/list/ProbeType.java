package io.boxscope.probe.list;

import java.util.Optional;

/** The probe providers {@code probe -l} knows, with bpftrace's names and short aliases (bpftrace(8)). */
public enum ProbeType {
    TRACEPOINT("tracepoint", "t"),
    RAWTRACEPOINT("rawtracepoint", "rt"),
    UPROBE("uprobe", "u"),
    URETPROBE("uretprobe", "ur"),
    USDT("usdt", "U"),
    SOFTWARE("software", "s"),
    /** Perf hardware counters (bpftrace's HW_PROBE_LIST), listed where the kernel opens them. */
    HARDWARE("hardware", "h"),
    /** BPF iterators bpftrace 0.17 supports ({@code task}, {@code task_file}), listed where the kernel's BTF has them. */
    ITER("iter", "it"),
    /** Kernel functions from BTF: bpftrace's {@code kfunc}, also spelled {@code fentry}. */
    KFUNC("kfunc", "f", "fentry"),
    KRETFUNC("kretfunc", "fr", "fexit");

    private final String label;
    private final String alias;
    private final String other;

    ProbeType(String label, String alias) {
        this(label, alias, label);
    }

    ProbeType(String label, String alias, String other) {
        this.label = label;
        this.alias = alias;
        this.other = other;
    }

    /** The name printed in front of every listed probe ({@code tracepoint}). */
    public String label() {
        return label;
    }

    public String alias() {
        return alias;
    }

    /** The provider called {@code s} (full name or alias), if any. */
    public static Optional<ProbeType> of(String s) {
        for (ProbeType t : values()) {
            if (t.label.equals(s) || t.alias.equals(s) || t.other.equals(s)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
