package io.boxscope.probe.codegen;

import io.boxscope.probe.lang.sema.SType;

/**
 * Sizes and offsets of values as stored in maps, on the stack and in ring-buffer records: integers
 * (and pointers, probe ids, symbols) take 8 bytes, strings their declared size rounded up to 8, tuple
 * elements start at multiples of 8 (bpftrace's tuple layout).
 */
public final class Layouts {
    private Layouts() {}

    /** Bytes a value of this type occupies, rounded up to a multiple of 8. */
    public static int size(SType t) {
        return switch (t) {
            case SType.Int i -> 8;
            case SType.Ptr p -> 8;
            case SType.Str s -> round(s.bytes());
            case SType.Tuple tu -> {
                int s = 0;
                for (SType e : tu.elements()) {
                    s += size(e);
                }
                yield s;
            }
            case SType.Special s -> round(Math.max(8, s.kind().size()));
            case SType.Agg a -> (int) a.kind().valueSize();
            case SType.Buffer b -> round(b.length() + 1);
            case SType.Array a -> round((int) a.size());
            case SType.Stack s -> s.user() ? 16 : 8;
            case SType.Record r -> round((int) r.size());
            case SType.None n -> 8;
        };
    }

    /** Offset of element {@code index} within a tuple. */
    public static int tupleOffset(SType.Tuple t, int index) {
        int o = 0;
        for (int i = 0; i < index; i++) {
            o += size(t.elements().get(i));
        }
        return o;
    }

    static int round(int n) {
        return (n + 7) / 8 * 8;
    }
}
