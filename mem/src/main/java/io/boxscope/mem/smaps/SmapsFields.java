package io.boxscope.mem.smaps;

import java.util.Arrays;
import java.util.List;

/**
 * The numeric detail lines of one smaps entry, in the kernel's order. {@code names} is shared
 * between entries that have the same fields (all of them, on one kernel), so 10,000 mappings
 * cost 10,000 small {@code long[]}s and one name array.
 */
public final class SmapsFields {
    static final String[] NO_NAMES = new String[0];
    public static final SmapsFields EMPTY = new SmapsFields(NO_NAMES, new long[0]);

    private final String[] names;
    private final long[] values;

    SmapsFields(String[] names, long[] values) {
        this.names = names;
        this.values = values;
    }

    /** Builds a field set from parallel lists (for tests and for synthesized rollups). */
    public static SmapsFields of(List<String> names, long[] values) {
        if (names.size() != values.length) {
            throw new IllegalArgumentException("names and values differ in length");
        }
        return new SmapsFields(names.toArray(String[]::new), values.clone());
    }

    public int size() {
        return values.length;
    }

    public String name(int i) {
        return names[i];
    }

    public long value(int i) {
        return values[i];
    }

    /** The shared name array (not to be modified). */
    String[] namesArray() {
        return names.length == values.length ? names : Arrays.copyOf(names, values.length);
    }

    public List<String> names() {
        return List.of(Arrays.copyOf(names, values.length));
    }

    public boolean has(String name) {
        return indexOf(name) >= 0;
    }

    /** The value of {@code name}, or {@code absent} if the kernel did not print it. */
    public long get(String name, long absent) {
        int i = indexOf(name);
        return i < 0 ? absent : values[i];
    }

    private int indexOf(String name) {
        for (int i = 0; i < values.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Where {@code name} is, or -1. Entries parsed from one file share their name array, so a
     * renderer can look an index up once and reuse it while {@link #sameNames} holds.
     */
    public int index(String name) {
        return indexOf(name);
    }

    /** Same names, same order, same values. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SmapsFields f && sameNames(f) && Arrays.equals(values, f.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(names[i]).append('=').append(values[i]);
        }
        return sb.append('}').toString();
    }

    /** Same field names in the same order (pmap -X requires it of every entry). */
    public boolean sameNames(SmapsFields other) {
        if (other.values.length != values.length) {
            return false;
        }
        if (other.names == names) {
            return true;
        }
        for (int i = 0; i < values.length; i++) {
            if (!names[i].equals(other.names[i])) {
                return false;
            }
        }
        return true;
    }
}
