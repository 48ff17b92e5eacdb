package io.boxscope.bpf.map;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A typed view of a {@link BpfMap}: codecs turn keys and values into the kernel's byte layout. On
 * per-CPU maps {@link #get} and {@link #entries} return the value summed over CPUs (the codec's
 * {@link Codec#counterWords} leading counters of {@link Codec#counterWidth} bytes are summed; see
 * {@link BpfMap#sumPerCpu(byte[], int, int)}).
 */
public final class TypedMap<K, V> {
    private final BpfMap map;
    private final Codec<K> keys;
    private final Codec<V> values;

    TypedMap(BpfMap map, Codec<K> keys, Codec<V> values) {
        this.map = map;
        this.keys = keys;
        this.values = values;
    }

    /** Encodes and decodes one fixed-size kernel type. */
    public interface Codec<T> {
        int size();

        byte[] encode(T value);

        T decode(byte[] bytes);

        /** Leading counters that per-CPU reads sum (all of them for plain numbers). */
        default int counterWords() {
            return size() / counterWidth();
        }

        /**
         * Bytes of one counter: 8 (u64) unless the codec says otherwise. A u32 value is one 4-byte
         * counter; summing it as u64 words summed nothing (size / 8 = 0 words) and took the first
         * non-zero CPU's value instead of the total.
         */
        default int counterWidth() {
            return 8;
        }

        Codec<Integer> U32 = new Codec<>() {
            public int size() {
                return 4;
            }

            public byte[] encode(Integer v) {
                byte[] b = new byte[4];
                MemorySegment.ofArray(b).set(ValueLayout.JAVA_INT_UNALIGNED, 0, v);
                return b;
            }

            public Integer decode(byte[] b) {
                return MemorySegment.ofArray(b).get(ValueLayout.JAVA_INT_UNALIGNED, 0);
            }

            public int counterWidth() {
                return 4;
            }
        };

        Codec<Long> U64 = new Codec<>() {
            public int size() {
                return 8;
            }

            public byte[] encode(Long v) {
                byte[] b = new byte[8];
                MemorySegment.ofArray(b).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, v);
                return b;
            }

            public Long decode(byte[] b) {
                return MemorySegment.ofArray(b).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            }
        };
    }

    /** The value (summed over CPUs for per-CPU maps), or null. */
    public V get(K key) {
        byte[] raw = map.lookup(keys.encode(key));
        return raw == null ? null : values.decode(map.sumPerCpu(raw, values.counterWords(), values.counterWidth()));
    }

    public void put(K key, V value) {
        map.update(keys.encode(key), values.encode(value), BpfMap.ANY);
    }

    public boolean remove(K key) {
        return map.delete(keys.encode(key));
    }

    /** Every entry in kernel iteration order (batch lookups where available). */
    public Map<K, V> entries() {
        Map<K, V> out = new LinkedHashMap<>();
        for (BpfMap.Entry e : map.entries()) {
            out.put(keys.decode(e.key()), values.decode(map.sumPerCpu(e.value(), values.counterWords(), values.counterWidth())));
        }
        return out;
    }
}
