package io.boxscope.bpf.map;

import java.util.Objects;

/**
 * What to create: type, key and value sizes in bytes, capacity, flags and a name (at most 15 bytes
 * are kept by the kernel). For {@link MapType#RINGBUF} key and value sizes are 0 and maxEntries is the
 * data size in bytes: a power of two and a multiple of the page size.
 */
public record MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {
    /** BPF_F_NO_PREALLOC: hash maps allocate on update instead of up front. */
    public static final int NO_PREALLOC = 1;

    public MapSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("map " + name + ": maxEntries must be positive, got " + maxEntries);
        }
        if (type == MapType.RINGBUF && (Integer.bitCount(maxEntries) != 1 || maxEntries < 4096)) {
            throw new IllegalArgumentException("ring buffer " + name + ": size must be a power of two of at least one page, got "
                    + maxEntries);
        }
    }

    public static MapSpec of(String name, MapType type, int keySize, int valueSize, int maxEntries) {
        return new MapSpec(name, type, keySize, valueSize, maxEntries, 0);
    }

    public static MapSpec ringBuffer(String name, int bytes) {
        return new MapSpec(name, MapType.RINGBUF, 0, 0, bytes, 0);
    }

    /** Stack trace map: u32 stack id → up to {@code depth} u64 instruction pointers. */
    public static MapSpec stackTrace(String name, int depth, int maxStacks) {
        return new MapSpec(name, MapType.STACK_TRACE, 4, 8 * depth, maxStacks, 0);
    }
}
