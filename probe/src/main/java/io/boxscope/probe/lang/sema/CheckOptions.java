package io.boxscope.probe.lang.sema;

import java.util.List;

/**
 * Options that change what a program may do: {@code unsafe} allows {@code system()}, {@code signal()} and
 * {@code override()} (bpftrace's {@code --unsafe}); {@code positionals} are {@code $1..$N}; {@code strlen}
 * is the size of the strings {@code str()} reads (bpftrace's {@code BPFTRACE_STRLEN}, 64 by default): the
 * BCC-class tools read paths and arguments at libbpf-tools' sizes.
 */
public record CheckOptions(boolean unsafe, List<String> positionals, int strlen) {
    /** bpftrace 0.17's default BPFTRACE_STRLEN. */
    public static final int DEFAULT_STRLEN = 64;
    /** The largest {@code strlen}: a string still fits a ring-buffer record and a map value comfortably. */
    public static final int MAX_STRLEN = 4096;

    public CheckOptions {
        positionals = List.copyOf(positionals);
        if (strlen < 1 || strlen > MAX_STRLEN) {
            throw new IllegalArgumentException("strlen must be between 1 and " + MAX_STRLEN + ", not " + strlen);
        }
    }

    public CheckOptions(boolean unsafe, List<String> positionals) {
        this(unsafe, positionals, DEFAULT_STRLEN);
    }

    public static CheckOptions defaults() {
        return new CheckOptions(false, List.of());
    }
}
