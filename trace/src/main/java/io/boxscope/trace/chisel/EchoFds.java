package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Value;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;
import io.boxscope.trace.scap.BufferFormat;

import java.util.List;
import java.util.function.Consumer;

/**
 * echo_fds: the data of every successful I/O call, as sysdig's chisel prints it: a coloured header
 * ({@code ------ Read 35B from  /etc/passwd (cat)}, red for reads, blue for writes, with {@code -pc} the
 * container in green for the host and cyan otherwise), then the buffer with dots for what is not printable,
 * in full (or as -A, -x or -X print buffers: the Lua's formatter is {@code %evt.arg.data}); an SGR reset at the end. The argument {@code disable_color} leaves the colour codes out.
 * Colour codes are SGR sequences ({@code ESC [ N m}); front ends keep them and escape everything else.
 */
final class EchoFds extends StreamChisel {

    private final boolean container;
    private final boolean color;
    /** How the data prints: the Lua's event formatter is {@code %evt.arg.data}, which -A, -x and -X format. */
    private final BufferFormat buffers;

    EchoFds(ChiselInfo info, List<String> args, boolean container, BufferFormat buffers) {
        super(info, "evt.is_io=true and evt.dir=< and evt.rawres>0");
        this.container = container;
        this.color = !(args.size() == 1 && args.get(0).equals("disable_color"));
        this.buffers = buffers;
    }

    private String sgr(int code) {
        return sgr(color, code);
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        long res = e.value(RES) instanceof Value.Num n ? n.value() : 0;
        if (res <= 0) {
            return;
        }
        String name = e.text(FD_NAME) == null ? "<NA>" : e.text(FD_NAME);
        String where = "";
        if (container) {
            String cn = e.text(CONTAINER);
            where = sgr("host".equals(cn) ? GREEN : CYAN) + " [" + cn + "] [" + e.text(CONTAINER_ID) + "]";
        }
        boolean read = e.value(READ) instanceof Value.Bool b && b.value();
        int c = read ? RED : BLUE;
        String who = sgr(c) + " " + name + " (" + e.text(NAME) + ")";
        out.accept(sgr(c) + "------ " + (read ? "Read " : "Write ") + Units.bytes(res) + (read ? " from " : " to ") + where + " " + who);
        // then sysdig prints the event with the chisel's format %evt.arg.data (no line when it has none)
        byte[] b = data(e);
        if (b != null) {
            out.accept(buffers.render(b));
        }
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        out.accept(sgr(RESET));
    }

    /** The Lua's {@code sysdig.set_snaplen(2000)}. */
    @Override
    public int snapLen() {
        return 2000;
    }
}
