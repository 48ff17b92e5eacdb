package io.boxscope.probe.lang.sema;

import java.util.List;

/**
 * Options that change what a program may do: {@code unsafe} allows {@code system()}, {@code signal()} and
 * {@code override()} (bpftrace's {@code --unsafe}); {@code positionals} are {@code $1..$N}; {@code strlen}
 * is the size of the strings {@code str()} reads (bpftrace's {@code BPFTRACE_STRLEN}, 64 by default): the
 * BCC-class tools read paths and arguments at libbpf-tools' sizes; {@code mapKeys} is how many keys
 * each hash map holds (bpftrace's {@code BPFTRACE_MAP_KEYS_MAX}, 4096 by default): an update of a new
 * key into a full map fails in the kernel, is counted there and reported at exit and per interval.
 * {@code pid} is {@code -p PID} (0: none): a {@code usdt} probe without a path looks in the files that
 * process maps, as bpftrace does.
 */
public record CheckOptions(boolean unsafe, List<String> positionals, int strlen, int mapKeys, int pid) {
    /** bpftrace 0.17's default BPFTRACE_MAP_KEYS_MAX. */
    public static final int DEFAULT_MAP_KEYS = 4096;
    /**
     * The largest {@code mapKeys}: hist maps hold eight entries a key (a key per bucket), and the kernel
     * caps a map at what it can allocate; 2^24 keys is far beyond any script's need.
     */
    public static final int MAX_MAP_KEYS = 1 << 24;
    /** bpftrace 0.17's default BPFTRACE_STRLEN. */
    public static final int DEFAULT_STRLEN = 64;
    /** The largest {@code strlen}: a string still fits a ring-buffer record and a map value comfortably. */
    public static final int MAX_STRLEN = 4096;

    public CheckOptions {
        positionals = List.copyOf(positionals);
        if (strlen < 1 || strlen > MAX_STRLEN) {
            throw new IllegalArgumentException("strlen must be between 1 and " + MAX_STRLEN + ", not " + strlen);
        }
        if (mapKeys < 1 || mapKeys > MAX_MAP_KEYS) {
            throw new IllegalArgumentException("map keys must be between 1 and " + MAX_MAP_KEYS + ", not " + mapKeys);
        }
    }

    public CheckOptions(boolean unsafe, List<String> positionals, int strlen) {
        this(unsafe, positionals, strlen, DEFAULT_MAP_KEYS);
    }

    public CheckOptions(boolean unsafe, List<String> positionals, int strlen, int mapKeys) {
        this(unsafe, positionals, strlen, mapKeys, 0);
    }

    /** These options for the process {@code pid} ({@code -p}; 0 for none). */
    public CheckOptions withPid(int pid) {
        return new CheckOptions(unsafe, positionals, strlen, mapKeys, pid);
    }

    public CheckOptions(boolean unsafe, List<String> positionals) {
        this(unsafe, positionals, DEFAULT_STRLEN);
    }

    public static CheckOptions defaults() {
        return new CheckOptions(false, List.of());
    }
}
