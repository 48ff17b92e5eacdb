package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.ServiceNames;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.scap.ParamValue;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * stdout and stderr: the data processes write to (or read from) fd 1 or 2, each buffer printed as it is
 * followed by a newline, as sysdig's chisels print evt.rawarg.data of the I/O events on that fd.
 */
final class EchoFd implements Chisel {
    private final ChiselInfo info;
    private final Filter filter;

    EchoFd(ChiselInfo info, int fd) {
        this.info = info;
        this.filter = Filter.compile("fd.num=" + fd + " and evt.is_io=true", ServiceNames.none());
    }

    @Override
    public ChiselInfo info() {
        return info;
    }

    @Override
    public Filter filter() {
        return filter;
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        if (e.event().value("data").orElse(null) instanceof ParamValue.Bytes b) {
            out.accept(new String(b.bytes(), StandardCharsets.UTF_8));
        }
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        // nothing to sum: every buffer was printed as it came
    }
}
