package io.boxscope.tools.hist;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;

/**
 * One histogram of a script's {@code @m[key...] = hist(...)} map, in libbpf-tools' slots.
 *
 * @param key  the map key's values (empty for an unkeyed map)
 * @param hist the counts
 */
public record KeyedHist(List<Value> key, Log2Hist hist) {
    public KeyedHist {
        key = List.copyOf(key);
    }

    /**
     * Every histogram of {@code map} (a {@code hist()} map; another kind is a defect of the tool's
     * script) in libbpf-tools' slots, empty ones left out, in the kernel's iteration order.
     */
    public static List<KeyedHist> of(MapDump map, int maxSlots) {
        List<KeyedHist> out = new ArrayList<>();
        for (MapDump.Entry e : map.entries()) {
            if (!(e.value() instanceof MapValue.Hist h)) {
                throw new IllegalStateException(map.name() + " is not a hist() map: " + e.value());
            }
            Log2Hist slots = Log2Hist.fromProbeBuckets(h.buckets(), maxSlots);
            if (slots.total() > 0) {
                out.add(new KeyedHist(e.key(), slots));
            }
        }
        return out;
    }

    /** Key element {@code i} as an integer. */
    public long intKey(int i) {
        return switch (key.get(i)) {
            case Value.Int v -> v.bits();
            default -> throw new IllegalStateException("key " + i + " is not an integer: " + key.get(i));
        };
    }

    /** Key element {@code i} as a string. */
    public String stringKey(int i) {
        return switch (key.get(i)) {
            case Value.Str s -> s.text();
            default -> throw new IllegalStateException("key " + i + " is not a string: " + key.get(i));
        };
    }
}
