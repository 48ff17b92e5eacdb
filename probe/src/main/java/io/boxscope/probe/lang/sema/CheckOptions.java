package io.boxscope.probe.lang.sema;

import java.util.List;

/**
 * Options that change what a program may do: {@code unsafe} allows {@code system()}, {@code signal()} and
 * {@code override()} (bpftrace's {@code --unsafe}); {@code positionals} are {@code $1..$N}; {@code strlen}
 * is the size of the strings {@code str()} reads (bpftrace's {@code BPFTRACE_STRLEN}, 64 by default): the
 * BCC-class tools read paths and arguments at libbpf-tools' sizes. {@code pid} is {@code -p PID} (0: none): a
 * {@code usdt} probe without a path looks in the files that process maps, as bpftrace does.
 */
public record CheckOptions(boolean unsafe, List<String> positionals, int strlen, int pid) {
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

    public CheckOptions(boolean unsafe, List<String> positionals, int strlen) {
        this(unsafe, positionals, strlen, 0);
    }

    /** These options for the process {@code pid} ({@code -p}; 0 for none). */
    public CheckOptions withPid(int pid) {
        return new CheckOptions(unsafe, positionals, strlen, pid);
    }

    public static CheckOptions defaults() {
        return new CheckOptions(false, List.of());
    }
}
