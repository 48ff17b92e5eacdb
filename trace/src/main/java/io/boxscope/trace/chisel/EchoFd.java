package io.boxscope.trace.chisel;

import io.boxscope.trace.output.EventView;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * stdout and stderr: the data processes write to (or read from) fd 1 or 2, each buffer printed as it is
 * followed by a newline, as sysdig's chisels print evt.rawarg.data of the I/O events on that fd. sysdig
 * prints the bytes raw; here the stream's newlines and tabs are kept and every other control byte (ESC,
 * CR...) is escaped ({@link ChiselText}), so what a process writes cannot drive the terminal.
 */
final class EchoFd extends StreamChisel {
    EchoFd(ChiselInfo info, int fd) {
        super(info, "fd.num=" + fd + " and evt.is_io=true");
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        byte[] b = data(e);
        if (b != null) {
            out.accept(ChiselText.escape(new String(b, StandardCharsets.UTF_8), true));
        }
    }

    /** The Lua's {@code sysdig.set_snaplen(2000)}. */
    @Override
    public int snapLen() {
        return 2000;
    }
}
