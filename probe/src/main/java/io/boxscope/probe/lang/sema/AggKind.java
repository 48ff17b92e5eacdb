package io.boxscope.probe.lang.sema;

/** Aggregation functions and what their map values hold (per-CPU, merged when printed). */
public enum AggKind {
    COUNT("count", 1), SUM("sum", 1), AVG("avg", 1), MIN("min", 1), MAX("max", 1), STATS("stats", 1),
    HIST("hist", 1), LHIST("lhist", 4);

    private final String label;
    private final int args;

    AggKind(String label, int args) {
        this.label = label;
        this.args = args;
    }

    public String label() {
        return label;
    }

    /** Arguments the function takes ({@code count()} takes none). */
    public int argCount() {
        return this == COUNT ? 0 : args;
    }

    /** Bytes of one per-CPU slot (avg and stats keep count and total). */
    public long valueSize() {
        return this == AVG || this == STATS ? 16 : 8;
    }

    public static AggKind of(String name) {
        for (AggKind k : values()) {
            if (k.label.equals(name)) {
                return k;
            }
        }
        return null;
    }
}
