package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Value;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;
import io.boxscope.trace.scap.BufferFormat;

import java.util.List;
import java.util.function.Consumer;

/**
 * spy_file: every successful read and write on a file (terminals left out unless one file is named), as
 * sysdig's chisel prints it: {@code evt.time proc.name(proc.pid) R|W BYTES fd.name DATA}, the data as
 * {@code -A} shows buffers (a newline, then the printable text): the Lua's on_init calls
 * {@code sysdig.set_output_format("ascii")}, and sysdig applies a {@code -x} or {@code -X} given on the command
 * line after it, so those print the data in hex (checked with sysdig 0.29 {@code -r F -x -c spy_file}).
 * Arguments, both optional: R, W or RW, and one file name.
 */
final class SpyFile extends StreamChisel {
    private static final OutputField TIME = OutputField.parse("evt.time");
    private static final OutputField WRITE = OutputField.parse("evt.is_io_write");

    /** ASCII, or the hex format -x or -X asked for. */
    private final BufferFormat buffers;

    SpyFile(ChiselInfo info, List<String> args, BufferFormat buffers) {
        super(info, filter(args));
        this.buffers = buffers == BufferFormat.HEX || buffers == BufferFormat.HEX_ASCII ? buffers : BufferFormat.ASCII;
    }

    private static String filter(List<String> args) {
        String mode = args.isEmpty() ? "" : args.get(0);
        String file = args.size() > 1 ? args.get(1) : "";
        StringBuilder f = new StringBuilder(file.isEmpty()
                ? "(not fd.name contains /dev/pt and not fd.name contains /dev/tty) and "
                : "(fd.name=" + file + ") and ");
        f.append(switch (mode) {
            case "R", "r" -> "evt.is_io_read=true and ";
            case "W", "w" -> "evt.is_io_write=true and ";
            default -> "evt.is_io=true and ";
        });
        return f.append("fd.type=file and evt.dir=< and evt.failed=false").toString();
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        byte[] b = data(e);
        String data = b != null ? buffers.render(b) : "";
        long res = e.value(RES) instanceof Value.Num n ? n.value() : 0;
        boolean write = e.value(WRITE) instanceof Value.Bool w && w.value();
        out.accept(e.text(TIME) + " " + e.text(NAME) + "(" + e.text(PID) + ") " + (write ? "W" : "R") + " "
                + Units.bytes(res) + " " + e.text(FD_NAME) + " " + data);
    }

    /** The Lua's {@code sysdig.set_snaplen(2000)}. */
    @Override
    public int snapLen() {
        return 2000;
    }
}
