package io.boxscope.probe.output;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which bpftrace 0.17 prints a map's entries ({@code BPFtrace::print_map},
 * {@code print_map_hist}, {@code print_map_stats}, {@code sort_by_key} in src/bpftrace.cpp),
 * before {@code top} drops the first ones:
 * <ul>
 * <li>count, sum, min, max and integer values: ascending by value ({@code std::sort}, so ties
 * keep no particular order: reproduced from the kernel's iteration order by {@link StdSort});
 * count and max compare unsigned, min signed, sum and integers by their signedness;</li>
 * <li>other values (strings, tuples, symbols...): stable sort on the key arguments, first argument
 * first; integer arguments compare as unsigned (so {@code -1} sorts after {@code 2}), strings as
 * {@code strncmp}; other argument types are not sorted;</li>
 * <li>hist, lhist, avg, stats: entries first in the order of their key bytes (a
 * {@code std::map}: integers in host order, so on little-endian x86_64 256 comes before 1), then {@code std::sort} by the
 * total count (hist, lhist) or the average (avg, stats), ascending.</li>
 * </ul>
 */
final class MapOrder {
    private MapOrder() {}

    static List<MapDump.Entry> sorted(MapDump map) {
        List<MapDump.Entry> list = new ArrayList<>(map.entries());
        if (list.isEmpty()) {
            return list;
        }
        switch (map.kind()) {
            case COUNT -> StdSort.sort(list, (a, b) -> Long.compareUnsigned(count(a), count(b)));
            case SUM -> StdSort.sort(list, (a, b) -> compare(sum(a), sum(b), ((MapValue.Sum) a.value()).signed()));
            case MIN -> StdSort.sort(list, Comparator.comparingLong(e -> ((MapValue.Min) e.value()).min()));
            case MAX -> StdSort.sort(list, (a, b) -> Long.compareUnsigned(max(a), max(b)));
            case VALUE -> {
                if (((MapValue.Plain) list.getFirst().value()).value() instanceof Value.Int first) {
                    StdSort.sort(list, (a, b) -> compare(intOf(a), intOf(b), first.signed()));
                } else {
                    sortByKey(list);
                }
            }
            case HIST, LHIST -> {
                list.sort(MapOrder::compareKeyBytes);
                StdSort.sort(list, (a, b) -> Long.compareUnsigned(total(a), total(b)));
            }
            case AVG, STATS -> {
                list.sort(MapOrder::compareKeyBytes);
                StdSort.sort(list, Comparator.comparingLong(MapOrder::average));
            }
        }
        return list;
    }

    private static int compare(long a, long b, boolean signed) {
        return signed ? Long.compare(a, b) : Long.compareUnsigned(a, b);
    }

    private static long count(MapDump.Entry e) {
        return ((MapValue.Count) e.value()).count();
    }

    private static long sum(MapDump.Entry e) {
        return ((MapValue.Sum) e.value()).sum();
    }

    private static long max(MapDump.Entry e) {
        return ((MapValue.Max) e.value()).max();
    }

    private static long intOf(MapDump.Entry e) {
        return ((Value.Int) ((MapValue.Plain) e.value()).value()).bits();
    }

    /** hist/lhist: the sum of all buckets. */
    static long total(MapDump.Entry e) {
        long[] b = switch (e.value()) {
            case MapValue.Hist h -> h.buckets();
            case MapValue.Lhist l -> l.buckets();
            default -> throw new IllegalStateException("not a histogram: " + e.value());
        };
        long s = 0;
        for (long v : b) {
            s += v;
        }
        return s;
    }

    /** avg/stats: total / count in C (truncated toward zero), 0 without observations. */
    static long average(MapDump.Entry e) {
        long count;
        long total;
        switch (e.value()) {
            case MapValue.Avg a -> {
                count = a.count();
                total = a.total();
            }
            case MapValue.Stats s -> {
                count = s.count();
                total = s.total();
            }
            default -> throw new IllegalStateException("not avg or stats: " + e.value());
        }
        return count == 0 ? 0 : total / count;
    }

    /** {@code sort_by_key}: stable sorts from the last key argument to the first. */
    private static void sortByKey(List<MapDump.Entry> list) {
        int n = list.getFirst().key().size();
        for (int i = n - 1; i >= 0; i--) {
            int arg = i;
            switch (list.getFirst().key().get(arg)) {
                case Value.Int first -> list.sort((a, b) -> Long.compareUnsigned(unsignedKey(a, arg), unsignedKey(b, arg)));
                case Value.Str first -> list.sort((a, b) -> compareBytes(utf8(a.key().get(arg)), utf8(b.key().get(arg))));
                default -> {
                    // bpftrace leaves other argument types unsorted
                }
            }
        }
    }

    /** The key argument as stored: promoted to 64 bits, compared unsigned. */
    private static long unsignedKey(MapDump.Entry e, int arg) {
        return ((Value.Int) e.key().get(arg)).bits();
    }

    private static byte[] utf8(Value v) {
        return io.boxscope.proc.RawText.encode(((Value.Str) v).text());
    }

    /** Unsigned lexicographic order, the shorter padded with zero bytes. */
    static int compareBytes(byte[] a, byte[] b) {
        int n = Math.max(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int x = i < a.length ? a[i] & 0xff : 0;
            int y = i < b.length ? b[i] & 0xff : 0;
            if (x != y) {
                return x - y;
            }
        }
        return 0;
    }

    /** The order of the keys' bytes as the kernel holds them ({@code std::map<std::vector<uint8_t>>}). */
    static int compareKeyBytes(MapDump.Entry a, MapDump.Entry b) {
        List<Value> ka = a.key();
        List<Value> kb = b.key();
        for (int i = 0; i < ka.size() && i < kb.size(); i++) {
            int c = compareBytes(KeyBytes.of(ka.get(i)), KeyBytes.of(kb.get(i)));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(ka.size(), kb.size());
    }
}
