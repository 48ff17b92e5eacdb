package io.boxscope.probe.output;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;

/** What the runtime hands the output stage, from the ring buffer or at exit. */
public sealed interface Event {
    /** {@code Attaching N probes...}, once all probes are attached. */
    record Attached(long probes) implements Event {}

    /** {@code printf(fmt, args...)}. */
    record Printf(String format, List<Value> args) implements Event {
        public Printf {
            Objects.requireNonNull(format, "format");
            args = List.copyOf(args);
        }
    }

    /** {@code time(fmt)} at local time {@code at} (format null: {@code %H:%M:%S\n}). */
    record Time(String format, ZonedDateTime at) implements Event {
        public Time {
            Objects.requireNonNull(at, "at");
        }
    }

    /** {@code join(array, delim)}: the strings read from the array; the first empty one ends it. */
    record Join(List<String> args, String delimiter) implements Event {
        public Join {
            args = List.copyOf(args);
            Objects.requireNonNull(delimiter, "delimiter");
        }
    }

    /** Output of {@code cat()} or {@code system()}, already read or run. */
    record Message(MessageType type, String text) implements Event {}

    /** {@code print(value)} of a non-map value. */
    record Print(Value value) implements Event {}

    /** {@code print(@map, top, div)}. */
    record PrintMap(MapDump map, long top, long div) implements Event {}

    /** The ring buffer reported {@code events} lost. */
    record Lost(long events) implements Event {}

    /**
     * The kernel did not run the script's programs {@code events} times since the last report: another BPF
     * program was running on that CPU (or the same one, for raw tracepoints), so those events never reached
     * the script (the programs' {@code recursion_misses}, {@link io.boxscope.bpf.prog.ProgramInfo}).
     */
    record Skipped(long events) implements Event {}

    /**
     * {@code count} updates of {@code map} at one place of the script ({@code source:line:column}) failed in
     * the kernel since the last report, with {@code retcode} ({@code -7}, E2BIG: the map already held
     * {@code capacity} entries and the key was new); {@code error} is the code's strerror text.
     */
    record MapUpdateFailed(String source, String map, int line, int column, int retcode, String error, long count,
                           long capacity) implements Event {
        /** -E2BIG: a hash map full. */
        public static final int MAP_FULL = -7;

        public boolean full() {
            return retcode == MAP_FULL;
        }
    }

    /** SIGUSR1 (bpftrace's {@code print_maps()} in its poll loop): every map as it is now, without exit's blank lines. */
    record AllMaps(List<MapDump> maps) implements Event {
        public AllMaps {
            maps = List.copyOf(maps);
        }
    }

    /** The program ended ({@code exit()}, Ctrl-C): every map as it is now. */
    record Exit(List<MapDump> maps) implements Event {
        public Exit {
            maps = List.copyOf(maps);
        }
    }
}
