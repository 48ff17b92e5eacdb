package io.boxscope.probe.list;

import java.util.Optional;

/** The probe providers {@code probe -l} knows, with bpftrace's names and short aliases (bpftrace(8)). */
public enum ProbeType {
    TRACEPOINT("tracepoint", "t"),
    RAWTRACEPOINT("rawtracepoint", "rt"),
    UPROBE("uprobe", "u"),
    URETPROBE("uretprobe", "ur"),
    USDT("usdt", "U"),
    SOFTWARE("software", "s");

    private final String label;
    private final String alias;

    ProbeType(String label, String alias) {
        this.label = label;
        this.alias = alias;
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
            if (t.label.equals(s) || t.alias.equals(s)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
