package io.boxscope.probe.codegen;

import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.probe.lang.sema.AggKind;
import io.boxscope.probe.lang.sema.MapInfo;
import io.boxscope.probe.lang.sema.SType;
import io.boxscope.probe.output.MapKind;

/**
 * How one script map ({@code @name}) lives in the kernel: its BPF map type, key and value sizes, and
 * what the runtime needs to decode it. Integers in keys and values are 64 bits (bpftrace widens them);
 * hist and lhist keep one u64 counter per (key, bucket): the kernel key is the script key followed by
 * an 8-byte bucket number, as bpftrace 0.17 does, so no value is larger than a stack slot can build.
 * Aggregations are per-CPU hash maps (an unkeyed {@code count()} a one-slot per-CPU array, as in 0.17,
 * which is why {@code clear()} of it prints {@code @c: 0}); plain values are hash maps.
 *
 * @param kernelName the map's name in the collection ({@code m0}, {@code m1}...: script names may be
 *                   longer than the kernel's 15 bytes)
 * @param keySize    bytes of the script key (8 for an unkeyed map, 4 for the unkeyed count array)
 * @param valueSize  bytes of one (per-CPU) value
 * @param signedSum  for sum(): whether its argument is signed (bpftrace 0.17 prints the sum that way)
 */
public record MapLayout(MapInfo info, String kernelName, MapType type, int keySize, int valueSize, int maxEntries,
                        boolean signedSum) {
    /**
     * Kernel entries a hist/lhist map has per script key: the key is (script key, bucket), room for eight buckets a key.
     * An unkeyed hist has one entry per bucket the hist bucket code can produce ({@link AggGen#HIST_BUCKETS}),
     * never more: its map is sized to exactly that, not to {@code mapKeys} times eight. The kernel preallocates every
     * entry of a hash map (and a per-CPU value for each on every CPU, kernel/bpf/hashtab.c, prealloc_init) when the
     * map is created and frees them all when it goes: a 32,768-entry per-CPU map took ~12 ms of system time to create
     * on this 2-CPU machine against well under a millisecond for 34 entries, in every runqlat-like script and in
     * {@code boxscope diagnose} (issue 15: what diagnose costs a busy target; docs/benchmarks.md). An unkeyed lhist
     * keeps the old size: its bucket count is the call's (max - min) / step + 2, which can exceed it.
     */
    static final int HIST_ENTRIES_PER_KEY = 8;

    /** @param maxKeys keys a hash map holds ({@code CheckOptions.mapKeys}, bpftrace's BPFTRACE_MAP_KEYS_MAX) */
    static MapLayout of(MapInfo info, int index, int maxKeys) {
        String name = "m" + index;
        boolean keyed = info.hasKeys();
        int keySize = keyed ? Layouts.size(info.key()) : 8;
        if (info.value() instanceof SType.Agg a) {
            return switch (a.kind()) {
                case COUNT -> keyed ? new MapLayout(info, name, MapType.PERCPU_HASH, keySize, 8, maxKeys, false)
                        : new MapLayout(info, name, MapType.PERCPU_ARRAY, 4, 8, 1, false);
                case SUM, MAX -> new MapLayout(info, name, MapType.PERCPU_HASH, keySize, 8, maxKeys, false);
                case MIN, AVG, STATS -> new MapLayout(info, name, MapType.PERCPU_HASH, keySize, 16, maxKeys, false);
                case HIST -> new MapLayout(info, name, MapType.PERCPU_HASH, keySize + 8, 8,
                        keyed ? maxKeys * HIST_ENTRIES_PER_KEY : AggGen.HIST_BUCKETS, false);
                case LHIST -> new MapLayout(info, name, MapType.PERCPU_HASH, keySize + 8, 8, maxKeys * HIST_ENTRIES_PER_KEY, false);
            };
        }
        return new MapLayout(info, name, MapType.HASH, keySize, Layouts.size(info.value()), maxKeys, false);
    }

    MapLayout withSignedSum(boolean signed) {
        return new MapLayout(info, kernelName, type, keySize, valueSize, maxEntries, signed);
    }

    public MapSpec spec() {
        return MapSpec.of(kernelName, type, keySize, valueSize, maxEntries);
    }

    /** The aggregation this map holds, or null for plain values. */
    public AggKind agg() {
        return info.value() instanceof SType.Agg a ? a.kind() : null;
    }

    /** The script key's bytes (without a hist bucket). */
    public int scriptKeySize() {
        return agg() == AggKind.HIST || agg() == AggKind.LHIST ? keySize - 8 : keySize;
    }

    /** What the output stage calls this kind of map. */
    public MapKind kind() {
        AggKind a = agg();
        if (a == null) {
            return MapKind.VALUE;
        }
        return switch (a) {
            case COUNT -> MapKind.COUNT;
            case SUM -> MapKind.SUM;
            case MIN -> MapKind.MIN;
            case MAX -> MapKind.MAX;
            case AVG -> MapKind.AVG;
            case STATS -> MapKind.STATS;
            case HIST -> MapKind.HIST;
            case LHIST -> MapKind.LHIST;
        };
    }

    public boolean isArray() {
        return type.isArray();
    }
}
