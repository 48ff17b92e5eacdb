package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Value;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.scap.BufferFormat;

import java.util.List;
import java.util.function.Consumer;

/**
 * spy_ip and spy_port: the data of successful I/O on IPv4/IPv6 sockets to or from one address
 * ({@code fd.ip=ADDR}) or one port ({@code fd.port=PORT}), as sysdig 0.29's {@code spy_ip.lua} and
 * {@code spy_port.lua} print it: each buffer (dots for bytes that are not printable, in full) under a
 * header line (in sysdig's {@code -A}, {@code -x} or {@code -X} format when one is given: the Lua prints
 * the field {@code evt.arg.data}, which libsinsp renders in the inspector's buffer format). The header is made when the direction changes (read after write or the first event) and
 * then printed again, unchanged, before every buffer in the same direction, so its byte count is that of
 * the first call of the run. Reads are red ({@code ------ Read 124B}), writes blue; spy_ip's write header
 * says {@code Read} too, as its Lua does. The argument {@code disable_colors} leaves the colour codes out;
 * an SGR reset ends the output.
 */
final class SpyNet extends StreamChisel {
    private final boolean ipChisel;
    private final boolean color;
    /** How the data prints: the Lua prints {@code evt.arg.data}, which -A, -x and -X format. */
    private final BufferFormat buffers;
    /** The last header made, or null before the first buffer; and the direction it was made for. */
    private String header;
    private Boolean lastRead;

    /** {@code ip}: spy_ip (args: address), else spy_port (args: port). */
    SpyNet(ChiselInfo info, boolean ip, List<String> args, BufferFormat buffers) {
        super(info, "evt.is_io=true and (fd.type=ipv4 or fd.type=ipv6) and " + (ip ? "fd.ip=" : "fd.port=") + check(info, ip, args.get(0)));
        this.ipChisel = ip;
        this.color = !(args.size() > 1 && args.get(1).equals("disable_colors"));
        this.buffers = buffers;
    }

    /** The address or port, checked before it goes into a filter (sysdig checks the argument's type). */
    private static String check(ChiselInfo info, boolean ip, String arg) {
        boolean ok = ip ? arg.matches("[0-9a-fA-F.:]+") : arg.matches("[0-9]{1,5}");
        if (!ok) {
            throw new IllegalArgumentException("chisel " + info.name() + ": " + (ip ? "not an IP address: " : "not a port number: ") + arg);
        }
        return arg;
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        if (!(e.value(RES) instanceof Value.Num n) || n.value() <= 0) {
            return;
        }
        byte[] b = data(e);
        if (b == null) {
            return;
        }
        boolean read = e.value(READ) instanceof Value.Bool r && r.value();
        if (lastRead == null || lastRead != read) {
            String word = read || ipChisel ? "Read " : "Write ";
            header = sgr(color, read ? RED : BLUE) + "------ " + word + Units.bytes(n.value());
            lastRead = read;
        }
        out.accept(header);
        out.accept(buffers.render(b));
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        out.accept(sgr(color, RESET));
    }

    /** The Lua's {@code sysdig.set_snaplen(1000)}. */
    @Override
    public int snapLen() {
        return 1000;
    }
}
