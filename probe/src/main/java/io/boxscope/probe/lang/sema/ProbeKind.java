package io.boxscope.probe.lang.sema;

import java.util.List;

/** Probe providers with bpftrace 0.17's names and aliases (bpftrace(8), "Probes"). */
public enum ProbeKind {
    BEGIN("BEGIN"),
    END("END"),
    TRACEPOINT("tracepoint", "t"),
    RAWTRACEPOINT("rawtracepoint", "rt"),
    KPROBE("kprobe", "k"),
    KRETPROBE("kretprobe", "kr"),
    UPROBE("uprobe", "u"),
    URETPROBE("uretprobe", "ur"),
    USDT("usdt", "U"),
    KFUNC("kfunc", "f", "fentry"),
    KRETFUNC("kretfunc", "fr", "fexit"),
    INTERVAL("interval", "i"),
    PROFILE("profile", "p"),
    SOFTWARE("software", "s"),
    HARDWARE("hardware", "h");

    private final String label;
    private final List<String> aliases;

    ProbeKind(String label, String... aliases) {
        this.label = label;
        this.aliases = List.of(aliases);
    }

    /** The canonical provider name ({@code tracepoint}). */
    public String label() {
        return label;
    }

    public static ProbeKind of(String provider) {
        for (ProbeKind k : values()) {
            if (k.label.equals(provider) || k.aliases.contains(provider)) {
                return k;
            }
        }
        return null;
    }

    /** Every spelling, for "did you mean" on an unknown provider. */
    public static List<String> spellings() {
        return java.util.Arrays.stream(values()).flatMap(k -> java.util.stream.Stream.concat(
                java.util.stream.Stream.of(k.label), k.aliases.stream())).toList();
    }

    /** Probes whose context carries function arguments ({@code arg0..argN}). */
    public boolean hasArgN() {
        return this == KPROBE || this == UPROBE || this == USDT || this == RAWTRACEPOINT;
    }

    /** Probes where {@code retval} is defined. */
    public boolean hasRetval() {
        return this == KRETPROBE || this == URETPROBE || this == KRETFUNC;
    }

    /** Probes where {@code args} is a typed record. */
    public boolean hasArgs() {
        return this == TRACEPOINT || this == RAWTRACEPOINT || this == KFUNC || this == KRETFUNC;
    }

    /** Probes that run in a user task's context at a user address (ustack, uaddr, usym make sense everywhere; func needs a function). */
    public boolean hasFunc() {
        return this == KPROBE || this == KRETPROBE || this == UPROBE || this == URETPROBE || this == KFUNC
                || this == KRETFUNC;
    }

    /** BEGIN and END run once in bpftrace's own context, not in a traced task. */
    public boolean isSpecial() {
        return this == BEGIN || this == END;
    }
}
