package io.boxscope.probe.codegen;

/**
 * A place in the script where an update of a map can fail in the kernel: {@code bpf_map_update_elem}
 * returns -E2BIG when a hash map already holds {@code capacity} entries and the key is new (kernel/bpf/
 * hashtab.c, alloc_htab_elem), -ENOMEM or -EBUSY in rarer cases. Code generation numbers the sites in the
 * order it meets them; each failure adds one to the site's counters in the {@code updates} map
 * ({@link #FULL}: -E2BIG, {@link #OTHER}: any other error, {@link #LAST_ERROR}: that error's code), which
 * the runtime reports at exit and per interval, as it reports lost ring-buffer records (bpftrace 0.17
 * loses these updates silently unless run with {@code -k}, which prints one warning per failure).
 *
 * @param map      the script map ({@code @name}, {@code @} for the unnamed one)
 * @param line     1-based line of the assignment or aggregation in the script
 * @param column   1-based column
 * @param capacity entries the kernel map holds
 */
public record UpdateSite(String map, int line, int column, long capacity) {
    /** Byte offsets of a site's counters in its slice of the {@code updates} value. */
    public static final int FULL = 0, OTHER = 8, LAST_ERROR = 16;
    /** Bytes of one site's slice. */
    public static final int BYTES = 24;
}
