package io.boxscope.probe.codegen;

import java.util.OptionalInt;

/**
 * The stack trace maps of a script: one {@code BPF_MAP_TYPE_STACK_TRACE} per frame limit, as bpftrace 0.17 keeps one
 * per stack type (src/types.h {@code StackType}: mode and limit; the map's value holds {@code limit} frames). The
 * limit must be part of the map, not only of the printing: bpf_get_stackid hashes the frames it collected, at most
 * value_size / 8 of them (kernel/bpf/stackmap.c {@code bpf_get_stackid}, {@code __bpf_get_stackid}), so two events
 * whose stacks share their first N frames get one id from a map of depth N, and {@code @[kstack(N)] = count()} counts
 * them under one key. With one map of full stacks each distinct full stack was its own key, printed N frames deep:
 * the same text several times, each with part of the count. The mode (bpftrace, perf, raw) only changes how frames are
 * printed, so one map serves every mode of a limit. Limits above {@link #MAX_DEPTH} share the map of that depth: the
 * kernel refuses deeper maps while kernel.perf_event_max_stack is 127, its default ({@code stack_map_alloc}).
 */
public final class StackMaps {
    /** Frames kept per stack at most: bpftrace's default limit and the kernel's default perf_event_max_stack. */
    public static final int MAX_DEPTH = 127;
    private static final String PREFIX = "stacks_";

    private StackMaps() {}

    /** The frames the map for {@code kstack(limit)} / {@code ustack(limit)} collects. */
    public static int depth(int limit) {
        return Math.max(1, Math.min(limit, MAX_DEPTH));
    }

    /** The name of the stack trace map {@code kstack(limit)} and {@code ustack(limit)} write their ids into. */
    public static String name(int limit) {
        return PREFIX + depth(limit);
    }

    /** The depth of a stack trace map by its name, empty when {@code map} is not one. */
    public static OptionalInt depthOf(String map) {
        if (!map.startsWith(PREFIX)) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(map.substring(PREFIX.length())));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
