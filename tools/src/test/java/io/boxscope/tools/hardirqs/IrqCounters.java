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
 * trace_softirq_entry); /proc/interrupts counts each interrupt number's events, listing its
 * handlers' names (struct irqaction's name, what irq_handler_entry carries) after the chip columns.
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

    /**
     * /proc/interrupts' numbered rows: handler name to the events of the interrupts it handles, over
     * CPUs. A row's handlers are after the per-CPU counts, the chip and the hardware irq/trigger
     * columns, joined by ", "; a name on several rows (two ACPI:Ged interrupts) sums them. Rows with
     * no handler are left out; {@code shared} collects the names of rows with more than one handler
     * (where one event runs every handler).
     */
    public static Map<String, Long> interrupts(java.util.Set<String> shared) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(Path.of("/proc/interrupts"));
        int cpus = lines.getFirst().trim().split("\\s+").length;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (!f[0].matches("\\d+:") || f.length < 1 + cpus + 3) {
                continue;
            }
            long sum = 0;
            for (int i = 1; i <= cpus; i++) {
                sum += Long.parseLong(f[i]);
            }
            // after the counts: chip, hwirq-trigger, then the handlers
            StringBuilder names = new StringBuilder();
            for (int i = cpus + 3; i < f.length; i++) {
                names.append(i > cpus + 3 ? " " : "").append(f[i]);
            }
            String[] handlers = names.toString().split(", ");
            for (String h : handlers) {
                out.merge(h, sum, Long::sum);
                if (handlers.length > 1) {
                    shared.add(h);
                }
            }
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
