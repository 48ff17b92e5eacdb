package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.ServiceNames;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;
import io.boxscope.trace.scap.ParamValue;

import java.util.function.Consumer;

/**
 * What the chisels that print as events come share: their description, their own filter (sysdig's
 * {@code chisel.set_filter}), nothing to print at the end unless they say so, and the helpers their lines
 * use (the event's data buffer, colour codes as ansiterminal.lua writes them).
 */
abstract class StreamChisel implements Chisel {
    /** Fields most of these chisels print. */
    static final OutputField TYPE = OutputField.parse("evt.type");
    static final OutputField RES = OutputField.parse("evt.rawarg.res");
    static final OutputField LATENCY = OutputField.parse("evt.latency");
    static final OutputField NAME = OutputField.parse("proc.name");
    static final OutputField ARGS = OutputField.parse("proc.args");
    static final OutputField FD_NAME = OutputField.parse("fd.name");
    static final OutputField CONTAINER = OutputField.parse("container.name");
    static final OutputField CONTAINER_ID = OutputField.parse("container.id");
    static final OutputField TIME_S = OutputField.parse("evt.time.s");
    static final OutputField PID = OutputField.parse("proc.pid");
    static final OutputField READ = OutputField.parse("evt.is_io_read");

    private final ChiselInfo info;
    private final Filter filter;

    /** {@code filter}: sysdig's filter text, or empty for every event. */
    StreamChisel(ChiselInfo info, String filter) {
        this.info = info;
        this.filter = filter.isEmpty() ? Chisels.ALL : Filter.compile(filter, ServiceNames.none());
    }

    @Override
    public final ChiselInfo info() {
        return info;
    }

    @Override
    public final Filter filter() {
        return filter;
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        // every line was printed as its event came
    }

    /** The event's data buffer (read, write and the other I/O calls), or null when it has none. */
    static byte[] data(EventView e) {
        return e.event().value("data").orElse(null) instanceof ParamValue.Bytes b ? b.bytes() : null;
    }

    /** The field as sysdig prints it, or {@code none} where the event has no value (Lua's nil). */
    static String text(EventView e, OutputField f, String none) {
        String s = e.text(f);
        return s == null ? none : s;
    }

    /** An SGR colour code ({@code ESC [ code m}), or nothing when colours are off (ansiterminal.lua). */
    static String sgr(boolean color, int code) {
        return color ? "\u001b[" + code + "m" : "";
    }

    /** ansiterminal.lua's colours. */
    static final int RESET = 0;
    static final int RED = 31;
    static final int GREEN = 32;
    static final int YELLOW = 33;
    static final int BLUE = 34;
    static final int CYAN = 36;
}
