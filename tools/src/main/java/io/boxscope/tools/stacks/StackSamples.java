package io.boxscope.tools.stacks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.Value;

/**
 * Turns a script map keyed by {@code [pid, comm, ustack, kstack]} (in any order; either stack may be
 * left out) into {@link StackSample}s. The runtime prints a frame as bpftrace does,
 * {@code name+offset} or {@code 0x...}; flame graphs and folded output want the function only, so the
 * offset is cut and an unresolved address becomes {@code [unknown]}, as libbpf-tools' profile prints it.
 */
public final class StackSamples {
    private static final Pattern OFFSET = Pattern.compile("\\+\\d+$");

    private StackSamples() {}

    /**
     * Where each part sits in the map's key ({@code @m[pid, comm, ustack, kstack]} is
     * {@code new Keys(0, 1, 2, 3)}); -1 for a part the key does not have. A stack value does not say
     * whether it is a user or a kernel stack, the script does.
     */
    public record Keys(int pid, int comm, int user, int kernel) {
        public static final Keys STANDARD = new Keys(0, 1, 2, 3);
    }

    /** The entries of {@code map} as samples, heaviest first; entries whose value is not a positive count or sum are skipped. */
    public static List<StackSample> of(MapDump map, Keys keys) {
        Map<StackSample, Long> merged = new LinkedHashMap<>();
        for (MapDump.Entry e : map.entries()) {
            long weight = weight(e);
            if (weight <= 0) {
                continue;
            }
            int pid = 0;
            String comm = "";
            List<String> user = List.of();
            List<String> kernel = List.of();
            List<Value> key = e.key();
            if (keys.pid() >= 0 && key.get(keys.pid()) instanceof Value.Int i) {
                pid = (int) i.bits();
            }
            if (keys.comm() >= 0 && key.get(keys.comm()) instanceof Value.Str s) {
                comm = s.text();
            }
            if (keys.user() >= 0 && key.get(keys.user()) instanceof Value.Stack st) {
                user = names(st);
            }
            if (keys.kernel() >= 0 && key.get(keys.kernel()) instanceof Value.Stack st) {
                kernel = names(st);
            }
            // Two stack ids can symbolize alike (a frame at two offsets of one function): merge them.
            merged.merge(new StackSample(pid, comm, user, kernel, 0), weight, Long::sum);
        }
        List<StackSample> out = new ArrayList<>();
        merged.forEach((k, w) -> out.add(new StackSample(k.pid(), k.comm(), k.user(), k.kernel(), w)));
        out.sort(Comparator.comparingLong(StackSample::weight).reversed());
        return out;
    }

    /** What an entry is worth: its count or sum; -1 for any other value (such entries are not samples). */
    static long weight(MapDump.Entry e) {
        return switch (e.value()) {
            case MapValue.Count c -> c.count();
            case MapValue.Sum s -> s.sum();
            default -> -1;
        };
    }

    public static List<String> names(Value.Stack st) {
        List<String> out = new ArrayList<>(st.frames().size());
        for (Value.Frame f : st.frames()) {
            out.add(name(f.symbol()));
        }
        return out;
    }

    /** {@code name+12} to {@code name}; {@code 0x7f..} to {@code [unknown]}. */
    public static String name(String symbol) {
        if (symbol.startsWith("0x")) {
            return "[unknown]";
        }
        return OFFSET.matcher(symbol).replaceFirst("");
    }
}
