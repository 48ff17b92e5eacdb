package io.boxscope.probe.output;

import java.util.List;

/** bpftrace 0.17's {@code TextOutput}: what it prints without {@code -f json}. */
public final class TextOutput extends Output {
    TextOutput() {}

    @Override
    public String attached(long probes) {
        return "Attaching " + probes + (probes == 1 ? " probe...\n" : " probes...\n");
    }

    @Override
    public String lostEvents(long lost) {
        return "Lost " + lost + " events\n";
    }

    /**
     * {@code 3 container values printed as a cgroup id: no container runtime names those cgroups (a host
     * process's, or a container's started less than a second before)}.
     */
    @Override
    public String containerMisses(long values) {
        return Long.toUnsignedString(values) + (values == 1 ? " container value" : " container values")
                + " printed as a cgroup id: no container runtime names " + (values == 1 ? "that cgroup" : "those cgroups")
                + " (a host process's, or a container's started less than a second before)\n";
    }

    /**
     * {@code 12 kernel addresses printed in hex: kernel symbols could not be read: /proc/kallsyms shows every address
     * as 0: ...}; the reason is the reader's, unescaped (the command line escapes it for the terminal).
     */
    @Override
    public String kernelSymbolsMissing(KernelSymbolsMissing missing) {
        return missing.sentence(KernelSymbolsMissing.Shown.HEX) + "\n";
    }

    /** {@link StacksUnread#sentence} worded for probe ({@link StacksUnread.Advice#PROBE}) and a newline. */
    @Override
    public String stacksUnread(StacksUnread unread) {
        return unread.sentence(StacksUnread.Advice.PROBE) + "\n";
    }

    @Override
    public String skippedEvents(long skipped) {
        return skippedMessage(skipped) + "\n";
    }

    /**
     * {@code 3 events skipped by the kernel (another BPF program was running on the CPU)}, without a newline:
     * the one wording of skipped runs, which the tools print too.
     */
    public static String skippedMessage(long skipped) {
        return io.boxscope.bpf.prog.ProgramInfo.skippedMessage(skipped);
    }

    /**
     * {@code stdin:3:5: WARNING: Map full; can't update element: 6 updates of @x failed (it holds 4096 entries;
     * raise BPFTRACE_MAP_KEYS_MAX)}, or for another error bpftrace's {@code Failed to map_update_elem: STRERROR
     * (-N)} followed by the count.
     */
    @Override
    public String mapUpdateFailed(Event.MapUpdateFailed f) {
        String where = f.source() + ":" + f.line() + ":" + f.column() + ": WARNING: ";
        String updates = Long.toUnsignedString(f.count()) + (f.count() == 1 ? " update of " : " updates of ") + f.map() + " failed";
        if (f.full()) {
            return where + "Map full; can't update element: " + updates + " (it holds " + f.capacity()
                    + " entries; raise BPFTRACE_MAP_KEYS_MAX)\n";
        }
        return where + "Failed to map_update_elem: " + f.error() + " (" + f.retcode() + "): " + updates + "\n";
    }

    @Override
    public String message(MessageType type, String text, boolean newline) {
        return newline ? text + "\n" : text;
    }

    @Override
    public String value(Value v) {
        return valueText(v) + "\n";
    }

    @Override
    String valueText(Value v) {
        return value(v, this::valueText);
    }

    @Override
    String key(MapDump map, List<Value> key) {
        if (key.isEmpty()) {
            return map.name();
        }
        return map.name() + "[" + String.join(", ", key.stream().map(Output::keyArgument).toList()) + "]";
    }

    @Override
    String keyValue(MapDump map, String key, String value) {
        boolean hist = map.kind() == MapKind.HIST || map.kind() == MapKind.LHIST;
        return key + ": " + (hist ? "\n" : "") + value;
    }

    /** One entry a line, except maps of stacks, ksym, usym and inet, whose entries run together. */
    @Override
    String delimiter(MapDump map) {
        if (map.kind() == MapKind.VALUE && !map.entries().isEmpty()
                && map.entries().getFirst().value() instanceof MapValue.Plain p) {
            boolean glued = switch (p.value()) {
                case Value.Stack s -> true;
                case Value.Resolved r -> r.kind().noMapDelimiter();
                default -> false;
            };
            if (glued) {
                return "";
            }
        }
        return "\n";
    }

    /** Plain maps and hists end with one newline, avg and stats with two; an empty map is still a newline. */
    @Override
    String mapDocument(MapDump map, String body) {
        boolean stats = map.kind() == MapKind.AVG || map.kind() == MapKind.STATS;
        return body + (stats ? "\n\n" : "\n");
    }

    @Override
    String tuple(List<String> elems) {
        return "(" + String.join(", ", elems) + ")";
    }

    @Override
    String field(String name, String value) {
        return "." + name + " = " + value;
    }

    @Override
    String stats(long count, long average, long total) {
        return "count " + count + ", average " + average + ", total " + total;
    }

    @Override
    String hist(long[] buckets, long div) {
        return HistFormat.histText(buckets, div);
    }

    @Override
    String lhist(long[] buckets, LinearRange range) {
        return HistFormat.lhistText(buckets, range);
    }
}
