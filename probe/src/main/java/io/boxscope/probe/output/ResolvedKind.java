package io.boxscope.probe.output;

/**
 * Kinds of values that bpftrace resolves to text in user space. {@link #quotedInJson()} is
 * bpftrace 0.17's {@code is_quoted_type}: the others are written into JSON bare, which makes the
 * document invalid for text values (a quirk kept on purpose: {@code {"type": "value", "data": No
 * such file or directory}}).
 */
public enum ResolvedKind {
    KSYM(true, true),
    USYM(true, true),
    INET(true, true),
    USERNAME(true, false),
    PROBE(true, false),
    STRERROR(false, false),
    CGROUP_PATH(false, false),
    TIMESTAMP(false, false),
    MAC_ADDRESS(false, false);

    private final boolean quoted;
    private final boolean noMapDelimiter;

    ResolvedKind(boolean quoted, boolean noMapDelimiter) {
        this.quoted = quoted;
        this.noMapDelimiter = noMapDelimiter;
    }

    public boolean quotedInJson() {
        return quoted;
    }

    /**
     * True for ksym, usym and inet: in text, bpftrace joins the entries of maps holding these
     * values with no newline ({@code TextOutput::map_elem_delim_to_str}).
     */
    public boolean noMapDelimiter() {
        return noMapDelimiter;
    }
}
