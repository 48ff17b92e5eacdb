package io.boxscope.probe.lang.sema;

import java.util.List;

/**
 * A map as every probe uses it: {@code key} is {@link SType.None} for a map without keys, a
 * {@link SType.Tuple} for {@code @m[a, b]}; {@code value} is an integer, a string, a tuple, a stack... or
 * an {@link SType.Agg} for aggregations. Integers in keys and values are widened to 64 bits, as bpftrace
 * stores them. {@code aggArgs} holds lhist's min, max and step (empty otherwise).
 */
public record MapInfo(String name, SType key, SType value, List<Long> aggArgs) {
    public MapInfo {
        aggArgs = List.copyOf(aggArgs);
    }

    /** {@code @name} or {@code @}. */
    public String display() {
        return "@" + name;
    }

    public boolean hasKeys() {
        return !(key instanceof SType.None);
    }
}
