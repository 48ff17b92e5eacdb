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
 * process maps, as bpftrace does. {@code ringBytes} is the size of the ring buffer the program's events
 * reach user space through (a power of two of at least a page; {@link #DEFAULT_RING_BYTES}): bpftrace
 * sizes its perf buffer with {@code BPFTRACE_PERF_RB_PAGES} pages per CPU, see {@link #ringBytesForPages}.
 * {@code stackKeys} is how many stacks each stack trace map holds (kstack/ustack ids; {@link #DEFAULT_STACK_KEYS}).
 */
public record CheckOptions(boolean unsafe, List<String> positionals, int strlen, int mapKeys, int pid, int ringBytes,
                           int stackKeys) {
    /**
     * The default ring buffer: 1 MiB, shared by all CPUs. bpftrace 0.17's default perf buffer is 64 pages per CPU
     * (bpftrace(8), BPFTRACE_PERF_RB_PAGES), libbpf-tools' opensnoop's too (PERF_BUFFER_PAGES): 512 KiB on two
     * CPUs. The per-event tools default to a larger ring ({@code EventTool.DEFAULT_RING_BYTES} in tools;
     * docs/benchmarks.md, "Ring buffer size").
     */
    public static final int DEFAULT_RING_BYTES = 1 << 20;
    /** The largest ring: 1 GiB (the kernel's ring buffer map takes up to 2^32 bytes less a page in max_entries). */
    public static final int MAX_RING_BYTES = 1 << 30;
    /** bpftrace 0.17's default BPFTRACE_MAP_KEYS_MAX. */
    public static final int DEFAULT_MAP_KEYS = 4096;
    /**
     * The largest {@code mapKeys}: hist maps hold eight entries a key (a key per bucket), and the kernel
     * caps a map at what it can allocate; 2^24 keys is far beyond any script's need.
     */
    public static final int MAX_MAP_KEYS = 1 << 24;
    /**
     * The stacks a stack trace map holds unless told otherwise: bpftrace 0.17's 131,072 (src/map.cpp, the stack map's
     * {@code max_entries = 128 << 10}, fixed whatever BPFTRACE_MAP_KEYS_MAX says; `bpftool map show` of a running
     * bpftrace shows it). The kernel preallocates every entry (kernel/bpf/stackmap.c {@code stack_map_alloc}, which
     * refuses BPF_F_NO_PREALLOC): at the default depth of 127 frames that is 136,315,200 bytes of locked kernel memory
     * a map (bpftool's memlock) and about 0.1 s to create it, where 4,096 entries cost 4 MiB and a few ms; a script
     * gets one map per frame limit it uses ({@code StackMaps}). The constructors without {@code stackKeys} take the
     * larger of this and {@code mapKeys}, so a BPFTRACE_MAP_KEYS_MAX above it raises the stack maps too.
     */
    public static final int DEFAULT_STACK_KEYS = 128 << 10;
    /** bpftrace 0.17's default BPFTRACE_STRLEN. */
    public static final int DEFAULT_STRLEN = 64;
    /** The largest {@code strlen}: a string still fits a ring-buffer record and a map value comfortably. */
    public static final int MAX_STRLEN = 4096;
    /**
     * The largest {@code BPFTRACE_STRLEN} bpftrace 0.17 takes (src/main.cpp, parse_env: its strings live on the
     * 512-byte BPF stack). Boxscope could build longer ones in scratch space, but a script's limits are kept as the
     * tool it was written for enforces them.
     */
    public static final int MAX_ENV_STRLEN = 200;

    /**
     * The {@code strlen} of the environment variable {@code BPFTRACE_STRLEN}'s {@code value} (null: unset, 64), read as
     * bpftrace 0.17 reads it (src/utils.cpp, get_uint64_env_var: {@code std::istringstream >> uint64_t}): leading
     * white space skipped, an optional sign (a minus wraps around 2^64, as strtoull does), the digits that follow,
     * anything after them ignored ({@code 12x} is 12); no digits, or more than 2^64-1, is refused with bpftrace's
     * words. Zero is refused too: bpftrace's message says "or was zero-valued", though 0.17 itself goes on and fails
     * creating its first string map. Above {@link #MAX_ENV_STRLEN} is refused with bpftrace's message.
     *
     * @throws IllegalArgumentException the value is not a number from 1 to {@link #MAX_ENV_STRLEN}; the message is
     *                                  bpftrace's first line for the same value
     */
    public static int strlenFromEnvironment(String value) {
        if (value == null) {
            return DEFAULT_STRLEN;
        }
        String invalid = "Env var 'BPFTRACE_STRLEN' did not contain a valid uint64_t, or was zero-valued.";
        int i = 0;
        while (i < value.length() && " \t\n\u000b\f\r".indexOf(value.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = false;
        if (i < value.length() && (value.charAt(i) == '+' || value.charAt(i) == '-')) {
            negative = value.charAt(i) == '-';
            i++;
        }
        int start = i;
        long n = 0;
        for (; i < value.length() && value.charAt(i) >= '0' && value.charAt(i) <= '9'; i++) {
            int digit = value.charAt(i) - '0';
            long limit = Long.divideUnsigned(-1L, 10); // 2^64-1 is limit * 10 + 5
            if (Long.compareUnsigned(n, limit) > 0 || n == limit && digit > 5) {
                throw new IllegalArgumentException(invalid);
            }
            n = n * 10 + digit;
        }
        if (i == start) {
            throw new IllegalArgumentException(invalid);
        }
        n = negative ? -n : n;
        if (n == 0) {
            throw new IllegalArgumentException(invalid);
        }
        if (Long.compareUnsigned(n, MAX_ENV_STRLEN) > 0) {
            throw new IllegalArgumentException("'BPFTRACE_STRLEN' " + Long.toUnsignedString(n)
                    + " exceeds the current maximum of " + MAX_ENV_STRLEN + " bytes.");
        }
        return (int) n;
    }

    public CheckOptions {
        positionals = List.copyOf(positionals);
        if (strlen < 1 || strlen > MAX_STRLEN) {
            throw new IllegalArgumentException("strlen must be between 1 and " + MAX_STRLEN + ", not " + strlen);
        }
        if (mapKeys < 1 || mapKeys > MAX_MAP_KEYS) {
            throw new IllegalArgumentException("map keys must be between 1 and " + MAX_MAP_KEYS + ", not " + mapKeys);
        }
        if (stackKeys < 1 || stackKeys > MAX_MAP_KEYS) {
            throw new IllegalArgumentException("stack keys must be between 1 and " + MAX_MAP_KEYS + ", not " + stackKeys);
        }
        if (ringBytes < 4096 || ringBytes > MAX_RING_BYTES || Integer.bitCount(ringBytes) != 1) {
            throw new IllegalArgumentException("the ring buffer must be a power of two from 4096 to " + MAX_RING_BYTES
                    + " bytes, not " + ringBytes);
        }
    }

    public CheckOptions(boolean unsafe, List<String> positionals, int strlen, int mapKeys, int pid, int ringBytes) {
        this(unsafe, positionals, strlen, mapKeys, pid, ringBytes, Math.max(DEFAULT_STACK_KEYS, mapKeys));
    }

    public CheckOptions(boolean unsafe, List<String> positionals, int strlen, int mapKeys, int pid) {
        this(unsafe, positionals, strlen, mapKeys, pid, DEFAULT_RING_BYTES);
    }

    /** These options with a ring buffer of {@code bytes} bytes. */
    public CheckOptions withRingBytes(int bytes) {
        return new CheckOptions(unsafe, positionals, strlen, mapKeys, pid, bytes, stackKeys);
    }

    /** These options with stack trace maps of {@code keys} stacks each. */
    public CheckOptions withStackKeys(int keys) {
        return new CheckOptions(unsafe, positionals, strlen, mapKeys, pid, ringBytes, keys);
    }

    /**
     * The ring holding what bpftrace's perf buffers of {@code pagesPerCpu} pages on each of {@code cpus} CPUs
     * hold (bpftrace(8): BPFTRACE_PERF_RB_PAGES, a power of two): one BPF ring buffer is shared by all CPUs
     * (bpf_ringbuf_output, kernel/bpf/ringbuf.c) and its size must be a power of two, so the total is rounded up
     * to one, and to a page at least.
     *
     * @throws IllegalArgumentException the total exceeds {@link #MAX_RING_BYTES}, or an argument is not positive
     */
    public static int ringBytesForPages(long pagesPerCpu, int cpus, int pageSize) {
        if (pagesPerCpu < 1 || cpus < 1 || pageSize < 1) {
            throw new IllegalArgumentException("pages per CPU, CPUs and page size must be positive");
        }
        long total = Math.multiplyHigh(pagesPerCpu, (long) cpus * pageSize) != 0 ? Long.MAX_VALUE
                : pagesPerCpu * cpus * pageSize;
        if (total > MAX_RING_BYTES) {
            throw new IllegalArgumentException(pagesPerCpu + " pages on each of " + cpus + " CPUs is more than "
                    + (MAX_RING_BYTES >> 20) + " MiB of ring buffer");
        }
        return Math.max(pageSize, Integer.highestOneBit((int) total - 1) << 1);
    }

    public CheckOptions(boolean unsafe, List<String> positionals, int strlen) {
        this(unsafe, positionals, strlen, DEFAULT_MAP_KEYS);
    }

    public CheckOptions(boolean unsafe, List<String> positionals, int strlen, int mapKeys) {
        this(unsafe, positionals, strlen, mapKeys, 0);
    }

    /** These options for the process {@code pid} ({@code -p}; 0 for none). */
    public CheckOptions withPid(int pid) {
        return new CheckOptions(unsafe, positionals, strlen, mapKeys, pid, ringBytes, stackKeys);
    }

    public CheckOptions(boolean unsafe, List<String> positionals) {
        this(unsafe, positionals, DEFAULT_STRLEN);
    }

    public static CheckOptions defaults() {
        return new CheckOptions(false, List.of());
    }
}
