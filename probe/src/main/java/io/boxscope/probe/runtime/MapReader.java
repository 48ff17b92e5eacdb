package io.boxscope.probe.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.probe.codegen.MapLayout;
import io.boxscope.probe.lang.sema.AggKind;
import io.boxscope.probe.lang.sema.SType;
import io.boxscope.probe.output.Buckets;
import io.boxscope.probe.output.LinearRange;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.PerCpu;

/**
 * Reads one script map back from the kernel as the output stage's {@link MapDump}: entries in the
 * kernel's iteration order, per-CPU slots combined as bpftrace combines them ({@link PerCpu}), hist and
 * lhist counters gathered from their (key, bucket) entries.
 */
final class MapReader {
    private final ValueDecoder values;

    MapReader(ValueDecoder values) {
        this.values = values;
    }

    MapDump read(MapLayout l, BpfMap map) {
        return read(l, map, map.entries());
    }

    /** {@code raw} (entries of {@code map}, or their growth from {@link MapDeltas}) decoded as {@link #read(MapLayout, BpfMap)} does. */
    MapDump read(MapLayout l, BpfMap map, List<BpfMap.Entry> raw) {
        // every stack of the map was captured before this read: one pass of user-address lookups (Stacks#beginPass)
        values.beginPass();
        try {
            return decode(l, map, raw);
        } finally {
            values.endPass();
        }
    }

    private MapDump decode(MapLayout l, BpfMap map, List<BpfMap.Entry> raw) {
        String name = l.info().display();
        boolean keyed = l.info().hasKeys();
        AggKind agg = l.agg();
        LinearRange range = agg == AggKind.LHIST ? new LinearRange(l.info().aggArgs().get(0).intValue(),
                l.info().aggArgs().get(1).intValue(), l.info().aggArgs().get(2).intValue()) : null;
        List<MapDump.Entry> out = new ArrayList<>();
        if (agg == AggKind.HIST || agg == AggKind.LHIST) {
            int buckets = agg == AggKind.HIST ? Buckets.HIST_BUCKETS : range.inner() + 2;
            Map<String, long[]> byKey = new LinkedHashMap<>();
            Map<String, byte[]> keys = new LinkedHashMap<>();
            for (BpfMap.Entry e : raw) {
                byte[] k = Arrays.copyOf(e.key(), l.scriptKeySize());
                String id = Arrays.toString(k);
                keys.putIfAbsent(id, k);
                int bucket = (int) ValueDecoder.u64(e.key(), l.scriptKeySize());
                long[] counts = byKey.computeIfAbsent(id, x -> new long[buckets]);
                if (bucket >= 0 && bucket < buckets) {
                    counts[bucket] += PerCpu.sum(slots(map, e.value(), 0));
                }
            }
            byKey.forEach((id, counts) -> out.add(new MapDump.Entry(values.key(l.info().key(), keys.get(id)),
                    agg == AggKind.HIST ? new MapValue.Hist(trim(counts)) : new MapValue.Lhist(counts))));
            return new MapDump(name, l.kind(), keyed, range, out);
        }
        for (BpfMap.Entry e : raw) {
            List<io.boxscope.probe.output.Value> key = keyed ? values.key(l.info().key(), e.key()) : List.of();
            out.add(new MapDump.Entry(key, value(l, map, e.value())));
        }
        return new MapDump(name, l.kind(), keyed, range, out);
    }

    private static long[] trim(long[] counts) {
        int n = counts.length;
        while (n > 0 && counts[n - 1] == 0) {
            n--;
        }
        return Arrays.copyOf(counts, n);
    }

    private MapValue value(MapLayout l, BpfMap map, byte[] v) {
        AggKind agg = l.agg();
        if (agg == null) {
            return new MapValue.Plain(values.decode(l.info().value(), v, 0, false));
        }
        return switch (agg) {
            case COUNT -> new MapValue.Count(PerCpu.sum(slots(map, v, 0)));
            case SUM -> new MapValue.Sum(PerCpu.sum(slots(map, v, 0)), l.signedSum());
            case MAX -> new MapValue.Max(PerCpu.max(slots(map, v, 0)));
            case MIN -> {
                long[] vals = slots(map, v, 0), seen = slots(map, v, 8);
                boolean[] s = new boolean[seen.length];
                for (int i = 0; i < seen.length; i++) {
                    s[i] = seen[i] != 0;
                }
                yield new MapValue.Min(PerCpu.min(vals, s));
            }
            case AVG -> new MapValue.Avg(PerCpu.sum(slots(map, v, 0)), PerCpu.sum(slots(map, v, 8)));
            case STATS -> new MapValue.Stats(PerCpu.sum(slots(map, v, 0)), PerCpu.sum(slots(map, v, 8)));
            case HIST, LHIST -> throw new IllegalStateException("bucketed maps are read above");
        };
    }

    /** The u64 at {@code off} of every CPU's slot (one slot for a map that is not per-CPU). */
    private static long[] slots(BpfMap map, byte[] v, int off) {
        if (!map.type().perCpu()) {
            return new long[] {ValueDecoder.u64(v, off)};
        }
        int stride = map.perCpuStride();
        long[] out = new long[v.length / stride];
        for (int i = 0; i < out.length; i++) {
            out[i] = ValueDecoder.u64(v, i * stride + off);
        }
        return out;
    }
}
