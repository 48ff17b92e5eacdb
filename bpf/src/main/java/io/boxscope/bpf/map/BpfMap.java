package io.boxscope.bpf.map;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.sys.Cpus;
import io.boxscope.bpf.sys.Fd;
import io.boxscope.bpf.sys.Sys;

/**
 * A kernel BPF map (bpf(2) BPF_MAP_CREATE and the BPF_MAP_*_ELEM commands). Keys and values are raw
 * bytes in the kernel's native layout; {@link TypedMap} adds codecs. Per-CPU maps return one value per
 * possible CPU, each padded to 8 bytes; {@link #sumPerCpu} folds them. Closing drops this process's
 * reference; the kernel frees the map once no program or descriptor holds it.
 */
public final class BpfMap implements AutoCloseable {
    /** Update flags: create or replace, create only, replace only. */
    public static final long ANY = 0, NOEXIST = 1, EXIST = 2;

    private final MapSpec spec;
    private final Fd fd;
    private final java.util.concurrent.atomic.AtomicLong nonAtomicTakes = new java.util.concurrent.atomic.AtomicLong();
    /** Set once the kernel refused BPF_MAP_LOOKUP_AND_DELETE_ELEM for this map (before 5.14 for hash maps). */
    private volatile boolean lookupAndDeleteRefused;

    private BpfMap(MapSpec spec, Fd fd) {
        this.spec = spec;
        this.fd = fd;
    }

    /** Creates the map; the name is truncated to the kernel's 15 characters. */
    public static BpfMap create(MapSpec spec) {
        if (spec.type() == MapType.ARRAY_OF_MAPS) {
            throw new IllegalArgumentException("map " + spec.name() + ": an array of maps needs an inner map template,"
                    + " create it with createOuter");
        }
        return create(spec, -1);
    }

    /**
     * Creates an array of maps ({@code BPF_MAP_TYPE_ARRAY_OF_MAPS}, u32 index to a map's descriptor) whose slots hold
     * maps like {@code template}: the kernel takes the inner maps' type, sizes and flags from the template at creation
     * ({@code bpf_attr.inner_map_fd}; kernel/bpf/map_in_map.c, bpf_map_meta_alloc), so the verifier knows what a
     * program's lookup returns, and refuses to put a map of another type or size in a slot later. The template is not
     * kept: close it when it is not one of the inner maps. A program's {@code bpf_map_lookup_elem} on the array returns
     * the inner map itself (or NULL for an empty slot), which it hands to the helpers that take a map (cilium/ebpf's
     * MapSpec.InnerMap; libs' modern probe keeps one ring buffer per CPU this way). Fill the slots with {@link #setInner}.
     */
    public static BpfMap createOuter(String name, int slots, BpfMap template) {
        MapSpec spec = MapSpec.of(name, MapType.ARRAY_OF_MAPS, 4, 4, slots);
        return create(spec, template.fd());
    }

    private static BpfMap create(MapSpec spec, int innerMapFd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(72);
            attr.set(ValueLayout.JAVA_INT, 0, spec.type().id());
            attr.set(ValueLayout.JAVA_INT, 4, spec.keySize());
            attr.set(ValueLayout.JAVA_INT, 8, spec.valueSize());
            attr.set(ValueLayout.JAVA_INT, 12, spec.maxEntries());
            attr.set(ValueLayout.JAVA_INT, 16, spec.flags());
            if (innerMapFd >= 0) {
                attr.set(ValueLayout.JAVA_INT, 20, innerMapFd); // inner_map_fd (include/uapi/linux/bpf.h)
            }
            byte[] name = kernelName(spec.name());
            MemorySegment.copy(name, 0, attr, ValueLayout.JAVA_BYTE, 28, name.length);
            long fd = Sys.bpf("create " + spec.type().name().toLowerCase(java.util.Locale.ROOT) + " map " + spec.name(),
                    Sys.BPF_MAP_CREATE, attr);
            return new BpfMap(spec, new Fd((int) fd));
        }
    }

    /** Object names: at most 15 bytes of [A-Za-z0-9_.], as the kernel accepts (bpf_obj_name_cpy). */
    public static byte[] kernelName(String name) {
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (sb.length() == 15) {
                break;
            }
            sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '.' ? c : '_');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    public MapSpec spec() {
        return spec;
    }

    public MapType type() {
        return spec.type();
    }

    public int fd() {
        return fd.value();
    }

    /** Bytes of one lookup result: valueSize, or per-CPU stride (valueSize rounded up to 8) × possible CPUs. */
    public int valueBufferSize() {
        return spec.type().perCpu() ? perCpuStride() * Cpus.possible() : spec.valueSize();
    }

    public int perCpuStride() {
        return (spec.valueSize() + 7) & ~7;
    }

    /** The kernel's id for this map (bpf_map_info.id), as bpftool map show lists it. */
    public int id() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(96);
            MemorySegment attr = a.allocate(16);
            attr.set(ValueLayout.JAVA_INT, 0, fd());
            attr.set(ValueLayout.JAVA_INT, 4, (int) info.byteSize());
            attr.set(ValueLayout.JAVA_LONG, 8, info.address());
            Sys.bpf("get info of map " + spec.name(), Sys.BPF_OBJ_GET_INFO_BY_FD, attr);
            return info.get(ValueLayout.JAVA_INT, 4);
        }
    }

    private String op(String what) {
        return what + " in map " + spec.name();
    }

    private void checkKey(byte[] key) {
        if (key.length != spec.keySize()) {
            throw new IllegalArgumentException(op("key") + ": key is " + key.length + " bytes, map wants " + spec.keySize());
        }
    }

    /** The value (all CPUs for per-CPU maps), or null if the key is absent. */
    public byte[] lookup(byte[] key) {
        checkKey(key);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment k = a.allocateFrom(ValueLayout.JAVA_BYTE, key);
            MemorySegment v = a.allocate(Math.max(1, valueBufferSize()), 8);
            MemorySegment attr = elemAttr(a, k, v, 0);
            Sys.Result r = Sys.bpfRaw(Sys.BPF_MAP_LOOKUP_ELEM, attr);
            if (r.failed()) {
                if (r.errno() == Errno.ENOENT.number()) {
                    return null;
                }
                throw BpfException.of(op("lookup"), r.errno());
            }
            return v.asSlice(0, valueBufferSize()).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * Creates or replaces ({@link #ANY}), creates only ({@link #NOEXIST}) or replaces only ({@link #EXIST}).
     * For per-CPU maps a value of plain valueSize is written to every CPU.
     */
    public void update(byte[] key, byte[] value, long flags) {
        checkKey(key);
        byte[] v = value;
        if (spec.type().perCpu() && value.length == spec.valueSize()) {
            v = new byte[valueBufferSize()];
            for (int c = 0; c < Cpus.possible(); c++) {
                System.arraycopy(value, 0, v, c * perCpuStride(), value.length);
            }
        }
        if (v.length != valueBufferSize()) {
            throw new IllegalArgumentException(op("update") + ": value is " + value.length + " bytes, map wants "
                    + spec.valueSize() + (spec.type().perCpu() ? " (or " + valueBufferSize() + " for all CPUs)" : ""));
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = elemAttr(a, a.allocateFrom(ValueLayout.JAVA_BYTE, key),
                    a.allocateFrom(ValueLayout.JAVA_BYTE, v), flags);
            Sys.bpf(op("update"), Sys.BPF_MAP_UPDATE_ELEM, attr);
        }
    }

    /**
     * Puts {@code inner} in slot {@code index} of this array of maps (BPF_MAP_UPDATE_ELEM with the inner map's
     * descriptor as the value; the kernel keeps its own reference, so the slot stays filled after {@code inner} is
     * closed here).
     */
    public void setInner(int index, BpfMap inner) {
        if (spec.type() != MapType.ARRAY_OF_MAPS) {
            throw new IllegalArgumentException(op("set inner map") + ": " + spec.type() + " is not an array of maps");
        }
        java.nio.ByteOrder order = java.nio.ByteOrder.nativeOrder();
        update(java.nio.ByteBuffer.allocate(4).order(order).putInt(index).array(),
                java.nio.ByteBuffer.allocate(4).order(order).putInt(inner.fd()).array(), ANY);
    }

    /** Deletes the key; false if it was absent. */
    public boolean delete(byte[] key) {
        checkKey(key);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = elemAttr(a, a.allocateFrom(ValueLayout.JAVA_BYTE, key), MemorySegment.NULL, 0);
            Sys.Result r = Sys.bpfRaw(Sys.BPF_MAP_DELETE_ELEM, attr);
            if (r.failed()) {
                if (r.errno() == Errno.ENOENT.number()) {
                    return false;
                }
                throw BpfException.of(op("delete"), r.errno());
            }
            return true;
        }
    }

    /** What {@link #lookupAndDelete} found: the value at deletion (all CPUs for per-CPU maps), and whether one call took it. */
    public record Taken(byte[] value, boolean atomic) {}

    /**
     * Deletes {@code key} and returns the value it held when it went, or null if it was absent. Uses
     * BPF_MAP_LOOKUP_AND_DELETE_ELEM (bpf(2); kernel/bpf/syscall.c map_lookup_and_delete_elem, hash maps since
     * 5.14): the copy and the unlink happen under the bucket lock, so no update that took the lock lands
     * between them. The command is probed, not gated on a version: where the kernel refuses it (EINVAL,
     * ENOTSUPP, EOPNOTSUPP) the map remembers that and falls back to lookup then delete, two calls apart
     * ({@link Taken#atomic()} false, counted in {@link #nonAtomicTakes()}). Either way a program that did
     * {@code p = lookup(); add(p)} with its lookup before the delete and its add after it adds to the dead
     * element: that add is lost (the window {@link #takeAll} describes).
     */
    public Taken lookupAndDelete(byte[] key) {
        checkKey(key);
        if (!lookupAndDeleteRefused) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment k = a.allocateFrom(ValueLayout.JAVA_BYTE, key);
                MemorySegment v = a.allocate(Math.max(1, valueBufferSize()), 8);
                Sys.Result r = Sys.bpfRaw(Sys.BPF_MAP_LOOKUP_AND_DELETE_ELEM, elemAttr(a, k, v, 0));
                if (!r.failed()) {
                    return new Taken(v.asSlice(0, valueBufferSize()).toArray(ValueLayout.JAVA_BYTE), true);
                }
                int e = r.errno();
                if (e == Errno.ENOENT.number()) {
                    return null;
                }
                if (e != Errno.EINVAL.number() && e != Errno.ENOTSUPP.number() && e != Errno.EOPNOTSUPP.number()) {
                    throw BpfException.of(op("lookup and delete"), e);
                }
                lookupAndDeleteRefused = true;
            }
        }
        byte[] v = lookup(key);
        if (v == null || !delete(key)) {
            return null;
        }
        nonAtomicTakes.incrementAndGet();
        return new Taken(v, false);
    }

    /** False once the kernel refused BPF_MAP_LOOKUP_AND_DELETE_ELEM for this map ({@link #lookupAndDelete} falls back). */
    public boolean lookupAndDeleteWorks() {
        return !lookupAndDeleteRefused;
    }

    /** The key after {@code key} (null: the first key), or null at the end. */
    public byte[] nextKey(byte[] key) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment k = key == null ? MemorySegment.NULL : a.allocateFrom(ValueLayout.JAVA_BYTE, key);
            MemorySegment next = a.allocate(Math.max(1, spec.keySize()));
            MemorySegment attr = elemAttr(a, k, next, 0);
            Sys.Result r = Sys.bpfRaw(Sys.BPF_MAP_GET_NEXT_KEY, attr);
            if (r.failed()) {
                if (r.errno() == Errno.ENOENT.number()) {
                    return null;
                }
                throw BpfException.of(op("iterate"), r.errno());
            }
            return next.asSlice(0, spec.keySize()).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * Every key, by BPF_MAP_GET_NEXT_KEY. A key deleted by a program during the walk makes the
     * kernel restart a hash walk from the first key: keys already seen are not returned twice, and
     * the walk stops after maxEntries distinct keys.
     */
    public List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>();
        java.util.Set<java.nio.ByteBuffer> seen = new java.util.HashSet<>();
        byte[] k = nextKey(null);
        int steps = 0;
        while (k != null && out.size() < spec.maxEntries() && steps++ < 4 * spec.maxEntries() + 16) {
            if (seen.add(java.nio.ByteBuffer.wrap(k))) {
                out.add(k);
            }
            k = nextKey(k);
        }
        return out;
    }

    /** A key with its value bytes (all CPUs for per-CPU maps). */
    public record Entry(byte[] key, byte[] value) {}

    /**
     * Every entry: one BPF_MAP_LOOKUP_BATCH walk where the kernel has it for this map type (5.6+ for
     * hash and array maps), otherwise key iteration plus lookups. Keys deleted meanwhile are skipped.
     */
    public List<Entry> entries() {
        if (spec.type() != MapType.STACK_TRACE && spec.type() != MapType.RINGBUF) {
            List<Entry> batch = lookupBatch();
            if (batch != null) {
                return batch;
            }
        }
        List<Entry> out = new ArrayList<>();
        for (byte[] k : keys()) {
            byte[] v = lookup(k);
            if (v != null) {
                out.add(new Entry(k, v));
            }
        }
        return out;
    }

    /**
     * Every entry, deleting each as it is read (bpftrace's {@code print} then {@code clear}, syscount's
     * interval). Uses BPF_MAP_LOOKUP_AND_DELETE_BATCH where the kernel has it (hash maps, 5.6+): each
     * bucket's values are copied and the elements deleted under the bucket lock. Else read-then-delete per
     * key, two system calls apart; {@link #nonAtomicTakes()} counts the entries taken that way.
     *
     * <p><b>The window, which no take can close from user space:</b> a program that counts does
     * {@code p = bpf_map_lookup_elem(); atomic_add(p, 1)} and never takes the bucket lock. If the take copies
     * the value between the program's lookup and its add, that add lands on the deleted element and is lost
     * (with a preallocated hash map the element may even have been reused for another key: the add is then
     * counted there). The window is the few instructions between a program's lookup and its add, so losses
     * need a take racing an update of the same key; they are rare but not impossible, and bpftrace's
     * {@code clear()} has the same window. Where no loss is acceptable, do not delete: {@link CounterDeltas}
     * reads without deleting and reports each key's growth (the map must then have room for every key), or
     * have programs write to one of two maps chosen by a generation number and take the one not in use.
     */
    public List<Entry> takeAll() {
        if (spec.type().isArray()) {
            throw new IllegalStateException("array map " + spec.name() + " cannot delete entries");
        }
        if (spec.type() != MapType.STACK_TRACE && spec.type() != MapType.RINGBUF) {
            List<Entry> batch = batch(Sys.BPF_MAP_LOOKUP_AND_DELETE_BATCH);
            if (batch != null) {
                return batch;
            }
        }
        List<Entry> out = new ArrayList<>();
        for (byte[] k : keys()) {
            byte[] v = lookup(k);
            if (v != null && delete(k)) {
                out.add(new Entry(k, v));
                nonAtomicTakes.incrementAndGet();
            }
        }
        return out;
    }

    /**
     * Entries {@link #takeAll} read and deleted with two system calls (the kernel has no batch
     * lookup-and-delete for this map): for each, an update between the two was lost. 0 where the batch
     * command works (the in-kernel window described at {@link #takeAll} remains).
     */
    public long nonAtomicTakes() {
        return nonAtomicTakes.get();
    }

    List<Entry> lookupBatch() {
        return batch(Sys.BPF_MAP_LOOKUP_BATCH);
    }

    /** The batch walk, or null if this kernel or map type has no such batch command. */
    private List<Entry> batch(int cmd) {
        int chunk = Math.min(Math.max(spec.maxEntries(), 1), 4096);
        int vsize = valueBufferSize();
        List<Entry> out = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            int tokenSize = Math.max(spec.keySize(), 8);
            MemorySegment inBatch = a.allocate(tokenSize, 8);
            MemorySegment outBatch = a.allocate(tokenSize, 8);
            MemorySegment keys = a.allocate((long) chunk * spec.keySize(), 8);
            MemorySegment values = a.allocate((long) chunk * vsize, 8);
            MemorySegment attr = a.allocate(56, 8);
            boolean first = true;
            while (true) {
                attr.fill((byte) 0);
                attr.set(ValueLayout.JAVA_LONG, 0, first ? 0 : inBatch.address());
                attr.set(ValueLayout.JAVA_LONG, 8, outBatch.address());
                attr.set(ValueLayout.JAVA_LONG, 16, keys.address());
                attr.set(ValueLayout.JAVA_LONG, 24, values.address());
                attr.set(ValueLayout.JAVA_INT, 32, chunk);
                attr.set(ValueLayout.JAVA_INT, 36, fd());
                Sys.Result r = Sys.bpfRaw(cmd, attr);
                boolean done = false;
                if (r.failed()) {
                    int e = r.errno();
                    if (e == Errno.ENOENT.number()) {
                        done = true;
                    } else if (first && (e == Errno.EINVAL.number() || e == Errno.ENOTSUPP.number()
                            || e == Errno.EOPNOTSUPP.number())) {
                        return null;
                    } else {
                        throw BpfException.of(op("batch lookup"), e);
                    }
                }
                int n = attr.get(ValueLayout.JAVA_INT, 32);
                for (int i = 0; i < n; i++) {
                    out.add(new Entry(keys.asSlice((long) i * spec.keySize(), spec.keySize()).toArray(ValueLayout.JAVA_BYTE),
                            values.asSlice((long) i * vsize, vsize).toArray(ValueLayout.JAVA_BYTE)));
                }
                if (done) {
                    return out;
                }
                MemorySegment.copy(outBatch, 0, inBatch, 0, tokenSize);
                first = false;
            }
        }
    }

    /**
     * Folds a per-CPU value: the first {@code counterWords} u64 fields are summed over CPUs; the
     * remaining bytes (e.g. a comm) are taken from the first CPU where they are not all zero.
     */
    public byte[] sumPerCpu(byte[] raw, int counterWords) {
        return sumPerCpu(raw, counterWords, 8);
    }

    /**
     * Folds a per-CPU value whose leading {@code counters} fields are unsigned integers of {@code width}
     * bytes (1, 2, 4 or 8; summed with wrap-around, as the kernel's own counters of that width wrap); the
     * bytes after them are taken from the first CPU where they are not all zero.
     */
    public byte[] sumPerCpu(byte[] raw, int counters, int width) {
        if (!spec.type().perCpu()) {
            return raw;
        }
        if (width != 1 && width != 2 && width != 4 && width != 8) {
            throw new IllegalArgumentException("counter width " + width + " bytes: must be 1, 2, 4 or 8");
        }
        int stride = perCpuStride();
        int vs = spec.valueSize();
        if ((long) counters * width > vs) {
            throw new IllegalArgumentException(counters + " counters of " + width + " bytes do not fit the "
                    + vs + "-byte values of map " + spec.name());
        }
        MemorySegment in = MemorySegment.ofArray(raw);
        MemorySegment out = MemorySegment.ofArray(new byte[vs]);
        for (int c = 0; c < raw.length / stride; c++) {
            long base = (long) c * stride;
            for (int w = 0; w < counters; w++) {
                long at = (long) w * width;
                switch (width) {
                    case 8 -> out.set(ValueLayout.JAVA_LONG_UNALIGNED, at, out.get(ValueLayout.JAVA_LONG_UNALIGNED, at)
                            + in.get(ValueLayout.JAVA_LONG_UNALIGNED, base + at));
                    case 4 -> out.set(ValueLayout.JAVA_INT_UNALIGNED, at, out.get(ValueLayout.JAVA_INT_UNALIGNED, at)
                            + in.get(ValueLayout.JAVA_INT_UNALIGNED, base + at));
                    case 2 -> out.set(ValueLayout.JAVA_SHORT_UNALIGNED, at, (short) (out.get(ValueLayout.JAVA_SHORT_UNALIGNED, at)
                            + in.get(ValueLayout.JAVA_SHORT_UNALIGNED, base + at)));
                    default -> out.set(ValueLayout.JAVA_BYTE, at, (byte) (out.get(ValueLayout.JAVA_BYTE, at)
                            + in.get(ValueLayout.JAVA_BYTE, base + at)));
                }
            }
        }
        int rest = counters * width;
        if (rest < vs) {
            for (int c = 0; c < raw.length / stride; c++) {
                byte[] tail = Arrays.copyOfRange(raw, c * stride + rest, c * stride + vs);
                if (!allZero(tail)) {
                    MemorySegment.copy(tail, 0, out, ValueLayout.JAVA_BYTE, rest, tail.length);
                    break;
                }
            }
        }
        return out.toArray(ValueLayout.JAVA_BYTE);
    }

    /** Sum over CPUs of a u64 value (per-CPU counters); the value itself for other maps. */
    public long sumLong(byte[] raw) {
        return MemorySegment.ofArray(sumPerCpu(raw, 1)).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }

    /** The instruction pointers of a stack id in a {@link MapType#STACK_TRACE} map, zeros trimmed; null if absent. */
    public long[] stack(int stackId) {
        if (spec.type() != MapType.STACK_TRACE) {
            throw new IllegalStateException("map " + spec.name() + " is " + spec.type() + ", not a stack trace map");
        }
        byte[] v = lookup(TypedMap.Codec.U32.encode(stackId));
        if (v == null) {
            return null;
        }
        long[] ips = MemorySegment.ofArray(v).toArray(ValueLayout.JAVA_LONG_UNALIGNED);
        int n = 0;
        while (n < ips.length && ips[n] != 0) {
            n++;
        }
        return Arrays.copyOf(ips, n);
    }

    /** A typed view of this map. */
    public <K, V> TypedMap<K, V> typed(TypedMap.Codec<K> keys, TypedMap.Codec<V> values) {
        return new TypedMap<>(this, keys, values);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private MemorySegment elemAttr(Arena a, MemorySegment key, MemorySegment value, long flags) {
        MemorySegment attr = a.allocate(32, 8);
        attr.set(ValueLayout.JAVA_INT, 0, fd());
        attr.set(ValueLayout.JAVA_LONG, 8, key.address());
        attr.set(ValueLayout.JAVA_LONG, 16, value.address());
        attr.set(ValueLayout.JAVA_LONG, 24, flags);
        return attr;
    }

    public boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return spec.type() + " map " + spec.name() + " (" + fd + ")";
    }
}
