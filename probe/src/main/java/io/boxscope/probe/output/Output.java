package io.boxscope.probe.output;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * bpftrace 0.17's output stage (src/output.cpp, {@code BPFtrace::print_map*}): turns events and
 * map dumps into exactly the bytes bpftrace prints, as text ({@link #text()}) or as its NDJSON
 * ({@link #json()}, {@code -f json}). Pure: every method returns the string to write.
 */
public abstract sealed class Output permits TextOutput, JsonOutput {

    public static Output text() {
        return new TextOutput();
    }

    public static Output json() {
        return new JsonOutput();
    }

    /**
     * Each format compiled once: a program prints its few formats once per event, and compiling one (its
     * conversions found by a regular expression) cost more than formatting the line (docs/benchmarks.md).
     */
    private final java.util.Map<String, Printf> printfs = new java.util.concurrent.ConcurrentHashMap<>();

    private Printf printf(String format) {
        return printfs.computeIfAbsent(format, Printf::new);
    }

    /** One event as bpftrace prints it; a printf whose arguments do not fit throws {@link FormatException}. */
    public final String render(Event event) {
        return switch (event) {
            case Event.Attached a -> attached(a.probes());
            case Event.Printf p -> message(MessageType.PRINTF, printf(p.format()).apply(p.args()), false);
            case Event.Time t -> {
                String s = Strftime.time(t.format() == null ? Strftime.DEFAULT_TIME_FORMAT : t.format(), t.at());
                yield s == null ? "" : message(MessageType.TIME, s, false);
            }
            case Event.Join j -> message(MessageType.JOIN, join(j), true);
            case Event.Message m -> message(m.type(), m.text(), false);
            case Event.Print p -> value(p.value());
            case Event.PrintMap m -> map(m.map(), m.top(), m.div());
            case Event.Lost l -> lostEvents(l.events());
            case Event.Skipped s -> skippedEvents(s.events());
            case Event.MapUpdateFailed f -> mapUpdateFailed(f);
            case Event.AllMaps x -> allMaps(x.maps());
            case Event.Exit x -> exit(x.maps());
        };
    }

    private static String join(Event.Join j) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < j.args().size() && !j.args().get(i).isEmpty(); i++) {
            if (i > 0) {
                sb.append(j.delimiter());
            }
            sb.append(j.args().get(i));
        }
        return sb.toString();
    }

    /** {@code Attaching N probes...} */
    public abstract String attached(long probes);

    /** {@code Lost N events}: events the ring buffer dropped. */
    public abstract String lostEvents(long lost);

    /**
     * Program runs the kernel skipped because another BPF program was running on the CPU. bpftrace 0.17
     * does not report them (it never reads recursion_misses); the line is worded like its lost events.
     */
    public abstract String skippedEvents(long skipped);

    /**
     * {@code container} values printed as a cgroup id number because no container runtime names that cgroup
     * ({@code ProbeSession#containerMisses}): Boxscope's builtin, which bpftrace does not have; {@code probe -v}
     * shows the count at the end of the run.
     */
    public abstract String containerMisses(long values);

    /**
     * Kernel addresses printed in hex because kallsyms (or its part beyond the kernel image's cached text) could not be
     * read: Boxscope's notice, once at the end of the run (bpftrace 0.17 prints such addresses without a word).
     */
    public abstract String kernelSymbolsMissing(KernelSymbolsMissing missing);

    /**
     * kstack/ustack values printed empty because bpf_get_stackid failed or the id was gone ({@link StacksUnread}):
     * Boxscope's notice, once at the end of the run, where bpftrace 0.17 logs one line per value on standard error.
     */
    public abstract String stacksUnread(StacksUnread unread);

    /**
     * Failed map updates at one place of the script. bpftrace 0.17 prints nothing unless run with
     * {@code -k}, and then one warning per failure ({@code stdin:1:66-73: WARNING: Failed to map_update_elem:
     * Argument list too long (-7)}); later releases word a full map {@code Map full; can't update element}.
     * Here the failures are counted in the kernel and reported as one line a place and interval.
     */
    public abstract String mapUpdateFailed(Event.MapUpdateFailed f);

    /** printf output, time(), join(), cat(), system(): {@code newline} only matters in text. */
    public abstract String message(MessageType type, String text, boolean newline);

    /** {@code print(value)} of a value that is not a map. */
    public abstract String value(Value v);

    /**
     * {@code print(@map, top, div)} and the maps printed at exit: {@code top} keeps only the last
     * {@code top} entries after sorting (0: all); {@code div} divides the printed values (0 as 1).
     */
    public final String map(MapDump map, long top, long div) {
        long d = div == 0 ? 1 : div;
        List<MapDump.Entry> sorted = MapOrder.sorted(map);
        boolean stats = map.kind() == MapKind.STATS;
        List<String> elems = new ArrayList<>();
        long skip = top != 0 && !stats && sorted.size() > top ? sorted.size() - top : 0;
        for (MapDump.Entry e : sorted) {
            if (skip > 0) {
                skip--;
                continue;
            }
            elems.add(keyValue(map, key(map, e.key()), entryValue(map, e.value(), d)));
        }
        return mapDocument(map, String.join(delimiter(map), elems));
    }

    /** The maps printed on exit: a blank line pair, then every map in name order. */
    public final String exit(List<MapDump> maps) {
        return "\n\n" + allMaps(maps);
    }

    /** Every map in name order (byte order: bpftrace creates its maps from a sorted std::map), as on SIGUSR1. */
    public final String allMaps(List<MapDump> maps) {
        List<MapDump> byName = new ArrayList<>(maps);
        byName.sort(Comparator.comparing(MapDump::name, (a, b) -> MapOrder.compareBytes(
                a.getBytes(java.nio.charset.StandardCharsets.UTF_8), b.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        StringBuilder sb = new StringBuilder();
        for (MapDump m : byName) {
            sb.append(map(m, 0, 0));
        }
        return sb.toString();
    }

    /** One entry's value, at width and signedness, divided where bpftrace divides. */
    private String entryValue(MapDump map, MapValue v, long div) {
        return switch (v) {
            case MapValue.Plain p -> p.value() instanceof Value.Int i ? divided(i, div)
                    : p.value() instanceof Value.Pointer ptr ? Long.toString(ptr.address() / div) : valueText(p.value());
            case MapValue.Count c -> Long.toUnsignedString(Long.divideUnsigned(c.count(), div));
            case MapValue.Sum s -> s.signed() ? Long.toString(s.sum() / div) : Long.toUnsignedString(Long.divideUnsigned(s.sum(), div));
            case MapValue.Min m -> Long.toString(m.min() / div);
            case MapValue.Max m -> Long.toUnsignedString(Long.divideUnsigned(m.max(), div));
            case MapValue.Avg a -> Long.toString(average(a.count(), a.total()) / div);
            case MapValue.Stats s -> stats(s.count(), average(s.count(), s.total()), s.total());
            case MapValue.Hist h -> hist(h.buckets(), div);
            case MapValue.Lhist l -> lhist(l.buckets(), map.range());
        };
    }

    private static long average(long count, long total) {
        return count == 0 ? 0 : total / count;
    }

    private static String divided(Value.Int i, long div) {
        if (i.signed()) {
            return Long.toString(i.bits() / div);
        }
        return Long.toUnsignedString(Long.divideUnsigned(i.bits(), div));
    }

    /** {@code Output::value_to_str}: a value as text, {@code elem} formatting nested elements. */
    final String value(Value v, Function<Value, String> elem) {
        return switch (v) {
            case Value.Int i -> i.decimal();
            case Value.Pointer p -> Long.toString(p.address());
            case Value.Str s -> s.text();
            case Value.Buffer b -> Escapes.buffer(b.bytes(), true, true);
            case Value.Resolved r -> r.text();
            case Value.Stack s -> stack(s, 8);
            case Value.Tuple t -> tuple(t.elements().stream().map(elem).toList());
            case Value.Array a -> "[" + String.join(",", a.elements().stream().map(elem).toList()) + "]";
            case Value.Record r -> "{ " + String.join(", ",
                    r.fields().stream().map(f -> field(f.name(), elem.apply(f.value()))).toList()) + " }";
        };
    }

    /** A value in this output's flavour (JSON quotes strings). */
    abstract String valueText(Value v);

    /**
     * {@code BPFtrace::get_stack}: a newline, then one line per frame; nothing at all for a stack without frames (one
     * that could not be read, {@link StacksUnread}: 0.17's get_stack returns "" when the lookup of the id fails, so
     * {@code printf("[%s]", ustack)} in a kernel thread prints {@code []}, {@code print(ustack)} one newline, a key
     * {@code @[]} and {@code -f json} {@code ""}). The kernel never stores a stack of no frames (stackmap.c refuses
     * one with -EFAULT), so no frames means unread.
     */
    static String stack(Value.Stack s, int indent) {
        if (s.frames().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\n");
        String pad = " ".repeat(indent);
        for (Value.Frame f : s.frames()) {
            switch (s.mode()) {
                case BPFTRACE -> sb.append(pad).append(f.symbol()).append('\n');
                case PERF -> sb.append('\t').append(Long.toHexString(f.address())).append(' ').append(f.symbol()).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * {@code MapKey::argument_value}: a key argument as text. Integer keys are promoted to 64 bits
     * (sign- or zero-extended by their type) and printed as signed 64-bit: {@code (uint64)-1} is
     * {@code -1}, {@code (uint32)-1} is {@code 4294967295}.
     */
    static String keyArgument(Value v) {
        return switch (v) {
            case Value.Int i -> Long.toString(i.bits());
            case Value.Pointer p -> "0x" + Long.toHexString(p.address());
            case Value.Str s -> s.text();
            case Value.Buffer b -> Escapes.buffer(b.bytes(), true, true);
            case Value.Resolved r -> r.text();
            case Value.Stack s -> stack(s, 4);
            case Value.Tuple t -> throw new IllegalArgumentException("a tuple cannot be a map key");
            case Value.Array a -> "[" + String.join(",", a.elements().stream().map(Output::keyArgument).toList()) + "]";
            case Value.Record r -> "{" + String.join(",",
                    r.fields().stream().map(f -> "." + f.name() + "=" + keyArgument(f.value())).toList()) + "}";
        };
    }

    abstract String key(MapDump map, List<Value> key);

    abstract String keyValue(MapDump map, String key, String value);

    abstract String delimiter(MapDump map);

    abstract String mapDocument(MapDump map, String body);

    abstract String tuple(List<String> elems);

    abstract String field(String name, String value);

    abstract String stats(long count, long average, long total);

    abstract String hist(long[] buckets, long div);

    abstract String lhist(long[] buckets, LinearRange range);
}
