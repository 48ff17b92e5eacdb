package io.boxscope.probe.runtime;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.bpf.map.BpfMap;

/**
 * Interval reads of one map of u64 counters (count, sum, avg, stats, and each bucket of a hist or lhist, which
 * the compiler stores as a (key, bucket) entry) that lose nothing to the read-then-clear race: every
 * {@link #next} reads the whole map without deleting, and returns per kernel key how much each CPU's u64 words
 * grew since the previous read, in the map's own value layout (so {@link MapReader} decodes a growth as it
 * decodes a value). bpftrace's {@code print(@m); clear(@m)} and libbpf-tools' read-then-delete lose the adds
 * that land between the two; here an add lands either before a read (reported now) or after it (next time).
 *
 * <p><b>Capacity.</b> Keys kept for a whole run would fill a map keyed by thread, process or file. So a key
 * whose value did not change over a whole interval (the same bytes at two reads in a row) is deleted with
 * {@link BpfMap#lookupAndDelete} (BPF_MAP_LOOKUP_AND_DELETE_ELEM; hash maps since 5.14, probed at run time),
 * and whatever it gained between the read and the delete is still reported: the value at deletion minus the
 * previous read. The map then needs room only for the keys busy within two consecutive intervals. The window
 * left: a program that looked the element up before the delete and adds after it adds to an unlinked element
 * (bpf_map_lookup_elem returns a pointer; the add takes no lock). The tools' hash maps are preallocated
 * (kernel/bpf/hashtab.c: without BPF_F_NO_PREALLOC a deleted element goes back to the map's freelist), so that
 * add either is lost (the element is still free) or, if another key's insert took the element meanwhile, is
 * counted under that other key: a wrong row, not only a missing count ({@link BpfMap#takeAll} says the same).
 * Either needs the first update of a key that was idle for a whole interval to race the delete by a few
 * instructions. Where the kernel refuses
 * the command, the fallback is lookup then delete, two system calls apart (counted: {@link #nonAtomic}); an
 * add between them is lost as well. Array maps are never deleted from (their size is fixed).
 *
 * <p>A key the program deleted itself is forgotten; if it comes back its whole value is growth. Not thread-safe.
 */
final class MapDeltas {
    private final BpfMap map;
    private final int counterWords;
    private final boolean evict;
    private final Map<ByteBuffer, byte[]> last = new HashMap<>();
    private long evicted;
    private long nonAtomic;

    /** {@code counterWords} u64 counters at the start of each CPU's slot; {@code evict} deletes idle keys. */
    MapDeltas(BpfMap map, int counterWords, boolean evict) {
        if (counterWords < 1 || counterWords * 8 > map.spec().valueSize()) {
            throw new IllegalArgumentException(counterWords + " u64 counters do not fit the " + map.spec().valueSize()
                    + "-byte values of map " + map.spec().name());
        }
        this.map = map;
        this.counterWords = counterWords;
        this.evict = evict && !map.type().isArray();
    }

    /** The entries that grew since the previous call (every non-zero one the first time), each value its growth. */
    List<BpfMap.Entry> next() {
        List<BpfMap.Entry> out = new ArrayList<>();
        Map<ByteBuffer, byte[]> seen = new HashMap<>();
        for (BpfMap.Entry e : map.entries()) {
            ByteBuffer key = ByteBuffer.wrap(e.key());
            byte[] before = last.get(key);
            byte[] now = e.value();
            if (evict && before != null && java.util.Arrays.equals(before, now)) {
                BpfMap.Taken t = map.lookupAndDelete(e.key());
                if (t == null) {
                    continue; // the program deleted it meanwhile: gone, as any key it deletes; not an eviction
                }
                evicted++;
                if (!t.atomic()) {
                    nonAtomic++;
                }
                now = t.value();
                byte[] d = minus(now, before);
                if (d != null) {
                    out.add(new BpfMap.Entry(e.key(), d));
                }
                continue; // not kept: if the key comes back, all of it is new
            }
            seen.put(key, now);
            byte[] d = minus(now, before);
            if (d != null) {
                out.add(new BpfMap.Entry(e.key(), d));
            }
        }
        last.clear();
        last.putAll(seen);
        return out;
    }

    /** Idle keys deleted so far. */
    long evicted() {
        return evicted;
    }

    /** Idle keys deleted with two system calls (the kernel refused BPF_MAP_LOOKUP_AND_DELETE_ELEM). */
    long nonAtomic() {
        return nonAtomic;
    }

    /** {@code now - before} word by word in every CPU's slot, or null if nothing grew. */
    private byte[] minus(byte[] now, byte[] before) {
        byte[] d = now.clone();
        int stride = map.type().perCpu() ? map.perCpuStride() : now.length;
        boolean grew = false;
        for (int slot = 0; slot + counterWords * 8 <= now.length; slot += stride) {
            for (int w = 0; w < counterWords; w++) {
                int off = slot + 8 * w;
                long v = ValueDecoder.u64(now, off) - (before == null ? 0 : ValueDecoder.u64(before, off));
                grew |= v != 0;
                ByteBuffer.wrap(d, off, 8).order(java.nio.ByteOrder.nativeOrder()).putLong(v);
            }
        }
        return grew ? d : null;
    }
}
