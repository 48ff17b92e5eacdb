package io.boxscope.probe.output;

import java.util.List;
import java.util.Objects;

/**
 * One map as read back from the kernel: its name with the {@code @}, what it holds, whether the
 * program indexes it ({@code @x[k]}) and its entries <b>in the kernel's iteration order</b>
 * ({@code BPF_MAP_GET_NEXT_KEY}): bpftrace sorts with an unstable {@code std::sort}, so the order
 * of ties depends on that input order, which {@link MapPrinter} reproduces exactly.
 */
public record MapDump(String name, MapKind kind, boolean keyed, LinearRange range, List<Entry> entries) {

    /** One entry: the key's arguments ({@code @m[a, b]}; empty for an unkeyed map) and the value. */
    public record Entry(List<Value> key, MapValue value) {
        public Entry {
            key = List.copyOf(key);
            Objects.requireNonNull(value, "value");
        }
    }

    public MapDump {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        entries = List.copyOf(entries);
        if ((kind == MapKind.LHIST) != (range != null)) {
            throw new IllegalArgumentException(name + ": an lhist map needs its range, other maps none");
        }
        for (Entry e : entries) {
            check(name, kind, keyed, range, e);
            sameType(name, entries.getFirst(), e);
        }
    }

    /** A map has one value type: the first entry's decides how all are sorted and printed. */
    private static void sameType(String name, Entry first, Entry e) {
        if (first.value() instanceof MapValue.Plain(Value a) && e.value() instanceof MapValue.Plain(Value b)) {
            boolean same = a.getClass() == b.getClass()
                    && (!(a instanceof Value.Int x) || (x.width() == ((Value.Int) b).width() && x.signed() == ((Value.Int) b).signed()));
            if (!same) {
                throw new IllegalArgumentException(name + ": all values of a map have one type, found " + a + " and " + b);
            }
        }
    }

    public MapDump(String name, MapKind kind, boolean keyed, List<Entry> entries) {
        this(name, kind, keyed, null, entries);
    }

    private static void check(String name, MapKind kind, boolean keyed, LinearRange range, Entry e) {
        if (keyed == e.key().isEmpty()) {
            throw new IllegalArgumentException(name + ": " + (keyed ? "a keyed map needs keys" : "an unkeyed map takes no key"));
        }
        for (Value k : e.key()) {
            if (k instanceof Value.Tuple) {
                throw new IllegalArgumentException(name + ": a tuple cannot be a map key (bpftrace: use @m[a, b])");
            }
        }
        boolean ok = switch (e.value()) {
            case MapValue.Plain p -> kind == MapKind.VALUE;
            case MapValue.Count c -> kind == MapKind.COUNT;
            case MapValue.Sum s -> kind == MapKind.SUM;
            case MapValue.Min m -> kind == MapKind.MIN;
            case MapValue.Max m -> kind == MapKind.MAX;
            case MapValue.Avg a -> kind == MapKind.AVG;
            case MapValue.Stats s -> kind == MapKind.STATS;
            case MapValue.Hist h -> kind == MapKind.HIST;
            case MapValue.Lhist l -> kind == MapKind.LHIST && l.buckets().length <= range.inner() + 2;
        };
        if (!ok) {
            throw new IllegalArgumentException(name + ": entry " + e.value().getClass().getSimpleName()
                    + " does not fit a " + kind + " map" + (range != null ? " " + range : ""));
        }
    }
}
