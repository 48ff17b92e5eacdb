package io.boxscope.bpf.map;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interval reads of a map of u64 counters that lose nothing: instead of {@link BpfMap#takeAll} (read and
 * delete, with the window described there), each {@link #next} reads every entry without deleting and returns
 * how much each key's leading u64 counters grew since the previous call (per-CPU values summed first). A
 * program's add lands either before a read (counted now) or after it (counted next time); nothing is
 * ever deleted, so no add can land on a dead element. The price: keys stay in the map, so it needs room for
 * every key (bounded key sets: syscall numbers, CPUs, a histogram's buckets), or an LRU map whose evictions
 * lose what was added since the last read. A key that disappeared (evicted, or deleted by a program) is
 * forgotten; if it comes back its whole value counts as new. Not thread-safe.
 */
public final class CounterDeltas {
    private final BpfMap map;
    private final int counters;
    private final Map<ByteBuffer, long[]> last = new HashMap<>();

    /** Deltas of the first {@code counters} u64 fields of each value (the rest of the value is passed through). */
    public CounterDeltas(BpfMap map, int counters) {
        if (counters < 1 || counters * 8 > map.spec().valueSize()) {
            throw new IllegalArgumentException(counters + " u64 counters do not fit the " + map.spec().valueSize()
                    + "-byte values of map " + map.spec().name());
        }
        if (map.type() == MapType.RINGBUF || map.type() == MapType.STACK_TRACE) {
            throw new IllegalArgumentException(map + " does not hold counters");
        }
        this.map = map;
        this.counters = counters;
    }

    /**
     * The entries whose counters grew since the previous call (all non-zero ones the first time), each with
     * its value already summed over CPUs ({@code valueSize} bytes, not a per-CPU buffer: decode it directly)
     * where the counters are replaced by their growth.
     */
    public List<BpfMap.Entry> next() {
        List<BpfMap.Entry> out = new ArrayList<>();
        Map<ByteBuffer, long[]> seen = new HashMap<>();
        for (BpfMap.Entry e : map.entries()) {
            byte[] value = map.sumPerCpu(e.value(), counters, 8);
            MemorySegment v = MemorySegment.ofArray(value);
            long[] now = new long[counters];
            for (int i = 0; i < counters; i++) {
                now[i] = v.get(ValueLayout.JAVA_LONG_UNALIGNED, 8L * i);
            }
            ByteBuffer key = ByteBuffer.wrap(e.key());
            long[] before = last.get(key);
            boolean grew = false;
            for (int i = 0; i < counters; i++) {
                long d = now[i] - (before == null ? 0 : before[i]);
                v.set(ValueLayout.JAVA_LONG_UNALIGNED, 8L * i, d);
                grew |= d != 0;
            }
            seen.put(key, now);
            if (grew) {
                out.add(new BpfMap.Entry(e.key(), value));
            }
        }
        last.clear();
        last.putAll(seen);
        return out;
    }
}
