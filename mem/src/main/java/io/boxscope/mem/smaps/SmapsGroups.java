package io.boxscope.mem.smaps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups a process's mappings by what they are: heap, stack, all anonymous memory together (named
 * anonymous regions by name), each library or file by path, vdso/vvar, shared memory, each with
 * subtotals of the smaps fields that explain memory use.
 */
public final class SmapsGroups {
    private SmapsGroups() {}

    /** The fields a group sums (kB), in display order. Absent fields (old kernels) sum to 0. */
    public static final List<String> FIELDS = List.of("Size", "Rss", "Pss", "Pss_Dirty", "Shared_Clean", "Shared_Dirty",
            "Private_Clean", "Private_Dirty", "Swap", "AnonHugePages", "Locked");

    /** One group; {@code totals} is parallel to {@link #FIELDS}. */
    public record Group(MappingKind kind, String name, List<Mapping> mappings, long[] totals) {
        public long total(String field) {
            return totals[FIELDS.indexOf(field)];
        }
    }

    /** Sort keys. */
    public enum Sort { RSS, PSS, SIZE, SWAP }

    public static List<Group> group(List<Mapping> mappings, Sort sort) {
        Map<String, List<Mapping>> byKey = new LinkedHashMap<>();
        Map<String, MappingKind> kinds = new LinkedHashMap<>();
        for (Mapping m : mappings) {
            MappingKind k = MappingKind.of(m);
            String name = switch (k) {
                case HEAP -> "[heap]";
                case STACK -> "[stack]";
                case ANONYMOUS -> m.name().startsWith("[anon:") ? m.displayName() : "anonymous mappings";
                case KERNEL -> "[vdso] [vvar] [vsyscall]";
                case LIBRARY, FILE, SHARED_MEMORY -> m.name().isEmpty() ? "shared anonymous" : m.displayName();
            };
            String key = k + "\0" + name;
            byKey.computeIfAbsent(key, x -> new ArrayList<>()).add(m);
            kinds.put(key, k);
        }
        List<Group> out = new ArrayList<>();
        for (Map.Entry<String, List<Mapping>> e : byKey.entrySet()) {
            long[] t = new long[FIELDS.size()];
            for (Mapping m : e.getValue()) {
                for (int i = 0; i < t.length; i++) {
                    t[i] += i == 0 ? m.sizeBytes() >>> 10 : m.kb(FIELDS.get(i));
                }
            }
            String key = e.getKey();
            out.add(new Group(kinds.get(key), key.substring(key.indexOf('\0') + 1), List.copyOf(e.getValue()), t));
        }
        String field = switch (sort) {
            case RSS -> "Rss";
            case PSS -> "Pss";
            case SIZE -> "Size";
            case SWAP -> "Swap";
        };
        // Plain comparisons: Comparator's factory lambdas are spun at run time in a cold JVM.
        out.sort((a, b) -> {
            int bySize = Long.compare(b.total(field), a.total(field));
            return bySize != 0 ? bySize : a.name().compareTo(b.name());
        });
        return out;
    }

    /** Totals over all mappings, parallel to {@link #FIELDS}. */
    public static long[] totals(List<Group> groups) {
        long[] t = new long[FIELDS.size()];
        for (Group g : groups) {
            for (int i = 0; i < t.length; i++) {
                t[i] += g.totals()[i];
            }
        }
        return t;
    }
}
