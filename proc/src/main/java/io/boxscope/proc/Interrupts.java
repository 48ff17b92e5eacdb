package io.boxscope.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The numbered rows of {@code /proc/interrupts} (kernel/irq/proc.c {@code show_interrupts}): per interrupt
 * number, the events counted on each online CPU (the header names them, {@code CPU0 CPU1 ...}), the chip
 * ({@code irq_print_chip} or {@code " %8s"}), the hardware irq number ({@code " %*lu"}, blank without a
 * domain), {@code Level}/{@code Edge} on kernels built with CONFIG_GENERIC_IRQ_SHOW_LEVEL, the flow
 * handler's name ({@code "-%-8s"}, e.g. {@code 5-edge}), then the handlers' names (struct irqaction's
 * {@code name}, what the irq_handler_entry tracepoint carries) joined by {@code ", "}. The kernel counts an
 * event ({@code kstat_incr_irqs_this_cpu}) right before it runs the row's handlers (kernel/irq/chip.c), so
 * a row with one handler counts that handler's runs. Rows named by letters (NMI, LOC, ERR) are the
 * architecture's and have no handler names; they are left out.
 *
 * @param rows the numbered rows, in file order
 */
public record Interrupts(List<Row> rows) {
    /**
     * One numbered row.
     *
     * @param irq      the interrupt number
     * @param events   events over all CPUs
     * @param handlers the handlers' names; empty when none is registered; more than one when the line is
     *                 shared (each event runs every handler) or a name itself holds {@code ", "}
     */
    public record Row(int irq, long events, List<String> handlers) {
        public Row {
            handlers = List.copyOf(handlers);
        }
    }

    public Interrupts {
        rows = List.copyOf(rows);
    }

    /**
     * Events per handler name, for names that are the only handler of every row they are on (summed over
     * those rows: two ACPI:Ged interrupts), in file order. A name on a shared row is in {@link #shared}
     * instead: its row's count is not its own runs alone.
     */
    public Map<String, Long> singleHandlers() {
        Set<String> shared = shared();
        Map<String, Long> out = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.handlers().size() == 1 && !shared.contains(r.handlers().getFirst())) {
                out.merge(r.handlers().getFirst(), r.events(), Long::sum);
            }
        }
        return out;
    }

    /** Names on rows with more than one handler. */
    public Set<String> shared() {
        Set<String> out = new HashSet<>();
        for (Row r : rows) {
            if (r.handlers().size() > 1) {
                out.addAll(r.handlers());
            }
        }
        return out;
    }

    /** Events over all numbered rows. */
    public long events() {
        long n = 0;
        for (Row r : rows) {
            n += r.events();
        }
        return n;
    }

    /**
     * Parses the text of /proc/interrupts. A header without CPUs, or a numbered row whose per-CPU counts are
     * not numbers, is an error (the file is not what show_interrupts prints); letter rows are skipped.
     */
    public static Interrupts parse(String text) {
        String[] lines = text.split("\n", -1);
        String header = lines[0].trim();
        if (header.isEmpty() || !header.startsWith("CPU")) {
            throw new ProcParseException("/proc/interrupts", "the first line is not the CPU header: " + shown(lines[0]));
        }
        int cpus = header.split("\\s+").length;
        List<Row> rows = new ArrayList<>();
        for (int n = 1; n < lines.length; n++) {
            String[] f = lines[n].trim().split("\\s+");
            if (f[0].isEmpty() || !f[0].matches("\\d{1,9}:")) {
                continue; // NMI:, LOC:, ERR: ... (the architecture's), or the end
            }
            if (f.length < 1 + cpus + 1) {
                throw new ProcParseException("/proc/interrupts", "line " + (n + 1) + " has fewer than " + cpus
                        + " counts and a chip: " + shown(lines[n]));
            }
            long sum = 0;
            for (int i = 1; i <= cpus; i++) {
                try {
                    sum = Math.addExact(sum, Long.parseLong(f[i]));
                } catch (NumberFormatException | ArithmeticException e) {
                    throw new ProcParseException("/proc/interrupts", "line " + (n + 1) + " column " + (i + 1)
                            + " is not a count: " + shown(lines[n]));
                }
            }
            // after the chip (f[cpus + 1]): the hardware irq, Level/Edge and the flow name, at most one token
            // each ("5-edge" is the irq and the flow name together), then the handlers
            int i = cpus + 2;
            for (int fixed = 0; fixed < 3 && i < f.length && f[i].matches("\\d+(-\\S+)?|-\\S+|Level|Edge"); fixed++) {
                i++;
            }
            List<String> handlers = new ArrayList<>();
            if (i < f.length) {
                // a name with spaces keeps single spaces; ", " separates the handlers
                for (String h : String.join(" ", List.of(f).subList(i, f.length)).split(", ")) {
                    handlers.add(h);
                }
            }
            rows.add(new Row(Integer.parseInt(f[0].substring(0, f[0].length() - 1)), sum, handlers));
        }
        return new Interrupts(rows);
    }

    /** A line for an error message: control characters as {@code \\xNN}, at most 200 characters. */
    private static String shown(String line) {
        StringBuilder sb = new StringBuilder();
        line.codePoints().limit(200).forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    /** Reads {@code <proc-root>/interrupts} (handler names are bytes: invalid UTF-8 becomes U+FFFD). */
    public static Interrupts read(HostPaths paths) throws IOException {
        return parse(new String(Files.readAllBytes(paths.procRoot().resolve("interrupts")), StandardCharsets.UTF_8));
    }
}
