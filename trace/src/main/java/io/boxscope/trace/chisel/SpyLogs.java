package io.boxscope.trace.chisel;

import io.boxscope.trace.output.EventView;
import io.boxscope.trace.scap.BufferFormat;

import java.util.List;
import java.util.function.Consumer;

/**
 * spy_logs: every successful write to a log file (a name containing {@code .log}, {@code _log} or
 * {@code /var/log}, not {@code .gz} or {@code .tgz}), one line per non-empty line of the buffer, as sysdig
 * 0.29's {@code spy_logs.lua} prints them when its output is not a terminal: {@code PROC FILE LINE}
 * ({@code -pc}: the container name first). The Lua reads the buffer in sysdig's {@code ascii} output
 * format ({@code -A}'s: printable bytes kept, CR and LF end lines, other bytes left out) and splits it at
 * newlines. The colours sysdig adds on a terminal and its dump to a file ({@code dump_file_name}) are not
 * done.
 */
final class SpyLogs extends StreamChisel {
    private final boolean container;

    SpyLogs(ChiselInfo info, List<String> args, boolean container) {
        super(info, "((fd.name contains .log or fd.name contains _log or fd.name contains /var/log) and not "
                + "(fd.name contains .gz or fd.name contains .tgz)) and evt.is_io_write=true and evt.dir=< and evt.failed=false");
        if (!args.isEmpty() && !args.get(0).isEmpty()) {
            throw new IllegalArgumentException("chisel " + info.name() + ": writing the events around each log line to a file"
                    + " (dump_file_name) is not supported");
        }
        this.container = container;
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        byte[] b = data(e);
        String name = e.text(NAME);
        String file = e.text(FD_NAME);
        if (b == null || name == null || file == null) {
            return;
        }
        String prefix = (container ? text(e, CONTAINER, "nil") + " " : "") + name + " " + file + " ";
        for (String line : BufferFormat.ASCII.render(b).split("\n", -1)) {
            if (!line.isEmpty()) {
                out.accept(prefix + line);
            }
        }
    }

    /** The Lua's {@code sysdig.set_snaplen(2000)}. */
    @Override
    public int snapLen() {
        return 2000;
    }
}
