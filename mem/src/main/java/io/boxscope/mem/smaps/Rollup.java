package io.boxscope.mem.smaps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A process's memory totals in kB: smaps_rollup (Linux 4.14+) or, on older kernels, the sum of
 * every smaps entry. The two differ by rounding only: the kernel sums Pss at sub-kB precision
 * for the rollup, while each smaps line is already truncated to whole kB.
 */
public record Rollup(SmapsFields fields, Source source) {
    public static final Rollup EMPTY = new Rollup(SmapsFields.EMPTY, Source.ROLLUP);

    /** Where the totals came from. */
    public enum Source { ROLLUP, SUMMED_SMAPS }

    public static Rollup of(SmapsFields fields, Source source) {
        return new Rollup(fields, source);
    }

    /** Sums every numeric field over the mappings, keeping the kernel's field order. */
    public static Rollup sum(List<Mapping> mappings) {
        Map<String, Long> sums = new LinkedHashMap<>();
        for (Mapping m : mappings) {
            SmapsFields f = m.fields();
            for (int i = 0; i < f.size(); i++) {
                String name = f.name(i);
                if (name.equals("KernelPageSize") || name.equals("MMUPageSize") || name.equals("THPeligible")
                        || name.equals("ProtectionKey")) {
                    continue; // per-mapping attributes, not amounts
                }
                sums.merge(name, f.value(i), Long::sum);
            }
        }
        List<String> names = new ArrayList<>(sums.keySet());
        long[] values = sums.values().stream().mapToLong(Long::longValue).toArray();
        return new Rollup(SmapsFields.of(names, values), Source.SUMMED_SMAPS);
    }

    public long rss() {
        return fields.get("Rss", 0);
    }

    public long pss() {
        return fields.get("Pss", 0);
    }

    /** Unique set size: pages only this process maps (Private_Clean + Private_Dirty). */
    public long uss() {
        return fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0);
    }

    public long swap() {
        return fields.get("Swap", 0);
    }

    /** Resident pages shared with at least one other process. */
    public long sharedRss() {
        return fields.get("Shared_Clean", 0) + fields.get("Shared_Dirty", 0);
    }

    public long get(String field) {
        return fields.get(field, 0);
    }

    public boolean has(String field) {
        return fields.has(field);
    }
}
