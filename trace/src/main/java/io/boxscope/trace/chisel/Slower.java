package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Value;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * fileslower, netlower and scallslower: calls slower than a number of milliseconds, one line each as they
 * come, under a header, as sysdig 0.29's chisels print them: fileslower takes file I/O exits (leaving out
 * files under /dev/) and prints whole milliseconds ({@code %12d} of the latency in ms), netlower does the
 * same for I/O on IPv4/IPv6 sockets (netlower.lua: same columns, no /dev/ rule), scallslower takes any call
 * and prints the milliseconds as Lua prints a number ({@code %.14g}). Each line starts green, or blue in a
 * container; the argument {@code disable_color} leaves colours out; {@code -pc} adds the container's id and
 * name.
 */
final class Slower extends StreamChisel {
    private static final OutputField DIR = OutputField.parse("evt.dir");
    private static final OutputField DATETIME = OutputField.parse("evt.datetime");

    /** Which chisel: fileslower, netlower (both print fileslower's columns) or scallslower. */
    enum Kind { FILES, NET, SCALLS }

    private final Kind kind;
    private final boolean files;
    private final boolean container;
    private final boolean color;
    private final double minMs;

    Slower(ChiselInfo info, Kind kind, List<String> args, boolean container) {
        super(info, switch (kind) {
            case FILES -> "evt.is_io=true and fd.type=file";
            case NET -> "evt.is_io=true and (fd.type=ipv4 or fd.type=ipv6)";
            case SCALLS -> "";
        });
        this.kind = kind;
        this.files = kind != Kind.SCALLS;
        this.container = container;
        this.color = !(args.size() > 1 && args.get(1).equals("disable_color"));
        try {
            this.minMs = Double.parseDouble(args.get(0));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("chisel " + info.name() + ": min_ms must be a number, not " + args.get(0), e);
        }
    }

    @Override
    public void start(Consumer<String> out) {
        if (files && container) {
            String f = "%-23.23s %-20.20s %-20.20s %-12.12s %-8s %-12s %s";
            out.accept(format(f, "evt.datetime", "container.id", "container.name", "proc.name", "evt.type", "LATENCY(ms)", "fd.name"));
            out.accept(format(f, "-".repeat(23), "-".repeat(30), "-".repeat(30), "-".repeat(12), "-".repeat(8), "-".repeat(12), "-".repeat(41)));
        } else if (files) {
            String f = "%-23.23s %-12.12s %-8s %-12s %s";
            out.accept(format(f, "evt.datetime", "proc.name", "evt.type", "LATENCY(ms)", "fd.name"));
            out.accept(format(f, "-".repeat(23), "-".repeat(12), "-".repeat(8), "-".repeat(12), "-".repeat(41)));
        } else if (container) {
            // sysdig's header has two spaces after container.id, its lines one
            out.accept(format("%-23.23s %-20.20s  %-20.20s %-23.23s %-20s %s", "evt.datetime", "container.id", "container.name",
                    "proc.name", "LATENCY(ms)", "evt.type"));
            out.accept(format("%-23.23s %-20.20s %-20.20s %-23.23s %-20s %s", "-".repeat(23), "-".repeat(20), "-".repeat(20),
                    "-".repeat(23), "-".repeat(20), "-".repeat(20)));
        } else {
            String f = "%-23.23s %-23.23s %-20s %s";
            out.accept(format(f, "evt.datetime", "proc.name", "LATENCY(ms)", "evt.type"));
            out.accept(format(f, "-".repeat(23), "-".repeat(23), "-".repeat(20), "-".repeat(20)));
        }
    }

    private static String format(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        if (!(e.value(LATENCY) instanceof Value.Num latency)) {
            return;
        }
        double ms = latency.value() / 1_000_000.0;
        String fd = e.text(FD_NAME);
        if (ms <= minMs || files && (!"<".equals(e.text(DIR)) || fd == null || kind == Kind.FILES && fd.startsWith("/dev/"))) {
            return;
        }
        String cn = e.text(CONTAINER);
        String c = sgr(color, "host".equals(cn) ? GREEN : BLUE);
        String name = text(e, NAME, "<NA>");
        String when = e.text(DATETIME);
        if (files) {
            long whole = (long) ms; // Lua's %d of a number: its integer part
            out.accept(c + (container
                    ? format("%-23.23s %-20.20s %-20.20s %-12.12s %-8s %12d %s", when, text(e, CONTAINER_ID, "<NA>"), cn, name,
                            e.text(TYPE), whole, fd)
                    : format("%-23.23s %-12.12s %-8s %12d %s", when, name, e.text(TYPE), whole, fd)));
        } else {
            out.accept(c + (container
                    ? format("%-23.23s %-20.20s %-20.20s %-23.23s %-20s %s", when, text(e, CONTAINER_ID, "<NA>"), cn, name,
                            Units.luaNumber(ms), e.text(TYPE))
                    : format("%-23.23s %-23.23s %-20s %s", when, name, Units.luaNumber(ms), e.text(TYPE))));
        }
    }

}
