package io.boxscope.probe.codegen;

import java.util.List;
import io.boxscope.probe.lang.sema.SType;

/**
 * What a ring-buffer record asks user space to do. Every record starts with a u64 action number
 * (its index in {@link CompiledScript#actions()}); the rest is the action's arguments. Like bpftrace's
 * asynchronous actions, printing, clearing and zeroing maps and exiting happen in user space, in the
 * order the records were written.
 */
public sealed interface Action {
    /** {@code printf(format, args...)}: arguments at {@code offsets} in the record (after the action number). */
    record Printf(String format, List<SType> types, List<Integer> offsets, int size) implements Action {
        public Printf {
            types = List.copyOf(types);
            offsets = List.copyOf(offsets);
        }
    }

    /** {@code print(@map, top, div)}. */
    record PrintMap(String map, long top, long div) implements Action {}

    /** {@code print(value)} of a non-map value, at offset 8. */
    record PrintValue(SType type) implements Action {}

    /** {@code clear(@map)}. */
    record Clear(String map) implements Action {}

    /** {@code zero(@map)}. */
    record Zero(String map) implements Action {}

    /** {@code time(format)}; format null for bpftrace's default {@code %H:%M:%S\n}. */
    record Time(String format) implements Action {}

    /** {@code cat(format, args...)}: the file named by the formatted path, read in user space. */
    record Cat(String format, List<SType> types, List<Integer> offsets) implements Action {
        public Cat {
            types = List.copyOf(types);
            offsets = List.copyOf(offsets);
        }
    }

    /**
     * {@code join(argv, delimiter)}: at offset 8 the number of strings read, then {@code count} slots of
     * {@code size} bytes, each a NUL-terminated string read from the array's pointers up to its first NULL.
     */
    record Join(String delimiter, int count, int size) implements Action {}

    /**
     * The format of a {@code strftime(format, nsecs)} value: not a record of its own; the value holds this
     * entry's number next to the nanoseconds, and user space formats it when printing.
     */
    record StrftimeFormat(String format) implements Action {}

    /** The filter of a {@code cgroup_path(id, "filter")} (hierarchy names, a wildcard), kept here as strftime formats are. */
    record CgroupPathFilter(String filter) implements Action {}

    /** {@code system(format, args...)} (--unsafe): the formatted command, run by {@code /bin/sh -c} in user space. */
    record System(String format, List<SType> types, List<Integer> offsets) implements Action {
        public System {
            types = List.copyOf(types);
            offsets = List.copyOf(offsets);
        }
    }

    /** {@code exit()}. */
    record Exit() implements Action {}
}
