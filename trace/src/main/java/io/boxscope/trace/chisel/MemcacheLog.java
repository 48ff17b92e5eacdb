package io.boxscope.trace.chisel;

import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;
import io.boxscope.trace.scap.BufferFormat;
import io.boxscope.trace.scap.ParamValue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * memcachelog: memcached's text-protocol get and set commands seen in I/O on port 11211 (or by a process
 * named memcached), one line each, as sysdig 0.29's {@code memcachelog.lua}: its filter is
 * {@code (fd.sport=11211 or proc.name=memcached) and evt.is_io=true}; it prints the event's second
 * argument ({@code evt.arg[1]}: the data of a read or write exit, the size of an enter) as libsinsp renders
 * it (dots for bytes that are not printable, or the -A/-x/-X format), splits it at every space, and a first
 * word starting with {@code get} or {@code set} (so {@code gets} too) with a second word prints
 * {@code DATETIME method=WORD1 size=NB key=WORD2}, where the size is the fifth word as Lua's
 * {@code tonumber} reads it, else 0 ({@code set k 0 0 5..hello..} has size 0: the CRLF prints as dots).
 * Arguments: a method (only lines whose first word is exactly it) and, with {@code set}, a size below which
 * lines are left out.
 *
 * <p>Where the Lua fails (sysdig stops with a Lua error): {@code set} without a size compares a number with
 * nil on the first set; here a set method needs a size, checked before the capture is read.
 */
final class MemcacheLog extends StreamChisel {
    private static final OutputField ARG1 = OutputField.parse("evt.arg[1]");
    private static final OutputField DATETIME = OutputField.parse("evt.datetime");

    private final String method;
    /** The Lua's opt_size as tonumber read it, unrounded: {@code size < opt_size} compares two Lua numbers (doubles). */
    private final double minSize;
    private final BufferFormat buffers;

    MemcacheLog(ChiselInfo info, List<String> args, BufferFormat buffers) {
        super(info, "(fd.sport=11211 or proc.name=memcached) and evt.is_io=true");
        this.method = args.isEmpty() ? null : args.get(0);
        Double size = args.size() > 1 ? luaNumber(args.get(1)) : null;
        if ("set".equals(method) && size == null) {
            throw new IllegalArgumentException("chisel memcachelog: the method set needs a size (a number), e.g. 'set 1000'");
        }
        this.minSize = size == null ? 0 : size;
        this.buffers = buffers;
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        String data = arg1(e);
        if (data == null) {
            return; // the Lua's split(nil) is an error: events without a second argument cannot print
        }
        String[] line = data.split(" ", -1);
        if (!line[0].startsWith("get") && !line[0].startsWith("set")) {
            return;
        }
        if (line.length < 2) {
            return; // key == nil
        }
        String m = line[0];
        Double parsed = line.length > 4 ? luaNumber(line[4]) : null;
        double size = parsed == null ? 0 : parsed; // compared unrounded, as memcachelog.lua's size < opt_size
        if (method != null && !method.equals(m)) {
            return;
        }
        if ("set".equals(method) && size < minSize) {
            return;
        }
        out.accept(text(e, DATETIME, "<NA>") + " method=" + m + " size=" + (long) size + "B key=" + line[1]);
    }

    /** evt.arg[1] as libsinsp renders it: a buffer in the display's format, anything else as printed. */
    private String arg1(EventView e) {
        var params = e.event().info().map(i -> i.params().size()).orElse(0);
        if (params < 2) {
            return null;
        }
        if (e.event().value(1) instanceof ParamValue.Bytes b) {
            return buffers.render(b.bytes());
        }
        return e.text(ARG1);
    }

    /**
     * A word as Lua 5.1's {@code tonumber} reads it (lua_str2number: strtod, or strtoul for {@code 0x}),
     * surrounding white space allowed; null when it is not a number.
     */
    static Double luaNumber(String s) {
        String t = s.strip();
        if (t.isEmpty()) {
            return null;
        }
        try {
            String lower = t.toLowerCase(Locale.ROOT);
            boolean neg = lower.startsWith("-");
            String body = neg || lower.startsWith("+") ? lower.substring(1) : lower;
            if (body.equals("inf") || body.equals("infinity") || body.equals("nan")) {
                // LuaJIT's tonumber (lj_strscan: "inf", "infinity", "nan" in any case, signed)
                double v = body.equals("nan") ? Double.NaN : Double.POSITIVE_INFINITY;
                return neg ? -v : v;
            }
            if (body.startsWith("0x")) {
                double v = Long.parseUnsignedLong(body.substring(2), 16);
                return neg ? -v : v;
            }
            if (!body.matches("(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
                return null;
            }
            return new BigDecimal(lower).doubleValue();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The Lua's {@code sysdig.set_snaplen(4096)}. */
    @Override
    public int snapLen() {
        return 4096;
    }
}
