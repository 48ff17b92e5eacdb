package io.boxscope.trace.scap;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A map from {@code long} keys to objects, open addressing with linear probing: the {@link Inspector}'s
 * thread table (by tid) and fd tables (by fd number). A {@code HashMap<Long, V>} boxes every key it is asked
 * for (fds above 127 and most tids are not in Long's cache), and a reader asks for a thread and an fd on
 * nearly every event of a file (docs/benchmarks.md, "trace: reading capture files"). Not thread-safe, as the
 * inspector is not. Removal shifts the following entries of the run back (no tombstones), so a table that
 * sees many opens and closes does not fill up with deleted slots. Public for the live capture's pairing of entries
 * and exits by thread ({@code EventBuilder}), which asks on every record of a busy host.
 */
public final class LongMap<V> {
    private static final int MIN_CAPACITY = 8;
    private long[] keys;
    private Object[] values;
    private int size;
    /** values.length - 1 (a power of two less one). */
    private int mask;

    public LongMap() {
        keys = new long[MIN_CAPACITY];
        values = new Object[MIN_CAPACITY];
        mask = MIN_CAPACITY - 1;
    }

    /** A copy of {@code other} (a cloned process's fd table). */
    LongMap(LongMap<V> other) {
        keys = other.keys.clone();
        values = other.values.clone();
        size = other.size;
        mask = other.mask;
    }

    /** Fibonacci hashing: tids and fds are small and sequential, so the high bits of the product spread them. */
    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }

    @SuppressWarnings("unchecked")
    public V get(long key) {
        Object[] vs = values;
        long[] ks = keys;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            Object v = vs[i];
            if (v == null) {
                return null;
            }
            if (ks[i] == key) {
                return (V) v;
            }
        }
    }

    boolean containsKey(long key) {
        return get(key) != null;
    }

    /** Maps {@code key} to {@code value} (not null); returns the value it replaced, or null. */
    @SuppressWarnings("unchecked")
    public V put(long key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("LongMap holds no null values");
        }
        for (int i = slot(key); ; i = (i + 1) & mask) {
            Object v = values[i];
            if (v == null) {
                keys[i] = key;
                values[i] = value;
                if (++size * 4 > values.length * 3) {
                    grow();
                }
                return null;
            }
            if (keys[i] == key) {
                values[i] = value;
                return (V) v;
            }
        }
    }

    /** Removes {@code key}; returns its value, or null when it was not there. */
    @SuppressWarnings("unchecked")
    public V remove(long key) {
        int i = slot(key);
        while (true) {
            Object v = values[i];
            if (v == null) {
                return null;
            }
            if (keys[i] == key) {
                break;
            }
            i = (i + 1) & mask;
        }
        V old = (V) values[i];
        // backward shift: move each later entry of the run into the hole when its home slot allows it
        int hole = i;
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = slot(keys[j]);
            // the entry at j may move to the hole unless its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
        keys[hole] = 0;
        size--;
        return old;
    }

    public int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldValues.length * 2];
        mask = values.length - 1;
        for (int i = 0; i < oldValues.length; i++) {
            if (oldValues[i] != null) {
                int j = slot(oldKeys[i]);
                while (values[j] != null) {
                    j = (j + 1) & mask;
                }
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
            }
        }
    }

    /** The values in table order (a copy: the caller may change the map while it walks them). */
    @SuppressWarnings("unchecked")
    java.util.List<V> values() {
        java.util.List<V> out = new java.util.ArrayList<>(size);
        for (Object v : values) {
            if (v != null) {
                out.add((V) v);
            }
        }
        return out;
    }

    /** The entries sorted by key (a copy, for listings: lsof-style chisels, tests). */
    @SuppressWarnings("unchecked")
    SortedMap<Long, V> sorted() {
        SortedMap<Long, V> out = new TreeMap<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                out.put(keys[i], (V) values[i]);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "LongMap" + sorted();
    }
}
