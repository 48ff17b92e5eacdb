package io.boxscope.tools.hardirqs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test support: the kernel's own interrupt counters, summed over CPUs. /proc/softirqs counts a vector
 * each time its handler runs (kernel/softirq.c increments the counter right before
 * trace_softirq_entry). /proc/interrupts is read with {@link io.boxscope.proc.Interrupts} (the tool reads it too).
 */
public final class IrqCounters {
    private IrqCounters() {}

    /** /proc/softirqs: vector name (as printed, e.g. {@code TIMER}) to its total over CPUs, in file order. */
    public static Map<String, Long> softirqs() throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(Path.of("/proc/softirqs"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            long sum = 0;
            for (int i = 1; i < f.length; i++) {
                sum += Long.parseLong(f[i]);
            }
            out.put(f[0].substring(0, f[0].length() - 1), sum);
        }
        return out;
    }

    /** {@code after - before} per key (keys of {@code after}; a key new in {@code after} counts from 0). */
    public static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new LinkedHashMap<>();
        after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0L)));
        return out;
    }
}
