package io.boxscope.probe.output;

/**
 * What a map holds, which decides how bpftrace 0.17 sorts and prints it ({@code
 * BPFtrace::print_map}): {@link #VALUE} is a plain assignment ({@code @x = expr}); the others are
 * the aggregation functions of the same name.
 */
public enum MapKind {
    VALUE("map"),
    COUNT("map"),
    SUM("map"),
    MIN("map"),
    MAX("map"),
    AVG("stats"),
    STATS("stats"),
    HIST("hist"),
    LHIST("hist");

    private final String jsonType;

    MapKind(String jsonType) {
        this.jsonType = jsonType;
    }

    /** The {@code "type"} of this map's JSON line: {@code map}, {@code hist} or {@code stats}. */
    public String jsonType() {
        return jsonType;
    }

    /** Maps whose kernel key carries an extra bucket number: printed from their totals. */
    boolean bucketed() {
        return this == AVG || this == STATS || this == HIST || this == LHIST;
    }
}
