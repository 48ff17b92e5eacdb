package io.boxscope.bpf.map;

/** Map types Boxscope creates ({@code enum bpf_map_type}, include/uapi/linux/bpf.h). */
public enum MapType {
    HASH(1), ARRAY(2), PERF_EVENT_ARRAY(4), PERCPU_HASH(5), PERCPU_ARRAY(6), STACK_TRACE(7), CGROUP_ARRAY(8),
    LRU_HASH(9), LRU_PERCPU_HASH(10), ARRAY_OF_MAPS(12), RINGBUF(27);

    private final int id;

    MapType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** Per-CPU maps hold one value per possible CPU; reads return them all (or their sum). */
    public boolean perCpu() {
        return switch (this) {
            case PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH -> true;
            case HASH, ARRAY, PERF_EVENT_ARRAY, STACK_TRACE, CGROUP_ARRAY, LRU_HASH, ARRAY_OF_MAPS, RINGBUF -> false;
        };
    }

    /**
     * Arrays are preallocated and cannot delete; every index below max_entries exists. An array of maps is not one
     * here: its slots are empty until a map is put in them, and deleting one empties it (kernel/bpf/arraymap.c,
     * fd_array_map_delete_elem).
     */
    public boolean isArray() {
        return switch (this) {
            case ARRAY, PERCPU_ARRAY, PERF_EVENT_ARRAY, CGROUP_ARRAY -> true;
            case HASH, PERCPU_HASH, STACK_TRACE, LRU_HASH, LRU_PERCPU_HASH, ARRAY_OF_MAPS, RINGBUF -> false;
        };
    }
}
