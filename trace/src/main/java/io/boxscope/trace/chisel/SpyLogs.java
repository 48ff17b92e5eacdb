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
 * newlines. On a terminal ({@code sysdig.is_tty()}) each line is {@code COLOUR SPACE PROC FILE LINE}, the colour
 * yellow for a line containing "warn" in any case, red for one containing "err" as written, green otherwise; with
 * {@code -pc} {@code COLOUR SPACE CCOLOUR SPACE CONTAINER SPACE COLOUR SPACE PROC FILE LINE}, CCOLOUR blue for a
 * container, the line's colour on the host ({@code disable_color} as the third argument leaves the codes out, the
 * spaces stay); at the end {@code ESC[0m} and a newline. Its dump to a file ({@code dump_file_name}) is not done.
 */
final class SpyLogs extends StreamChisel {
    private final boolean container;
    private final boolean tty;
    private final boolean colors;

    SpyLogs(ChiselInfo info, List<String> args, ChiselContext context) {
        super(info, "((fd.name contains .log or fd.name contains _log or fd.name contains /var/log) and not "
                + "(fd.name contains .gz or fd.name contains .tgz)) and evt.is_io_write=true and evt.dir=< and evt.failed=false");
        if (!args.isEmpty() && !args.get(0).isEmpty()) {
            throw new IllegalArgumentException("chisel " + info.name() + ": writing the events around each log line to a file"
                    + " (dump_file_name) is not supported");
        }
        this.container = context.container();
        this.tty = context.tty();
        this.colors = !(args.size() > 2 && args.get(2).equals("disable_color"));
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
            if (line.isEmpty()) {
                continue;
            }
            if (!tty) {
                out.accept(prefix + line);
                continue;
            }
            String color = sgr(colors, line.toLowerCase(java.util.Locale.ROOT).contains("warn") ? YELLOW
                    : line.contains("err") ? RED : GREEN);
            String info = name + " " + file + " ";
            if (container) {
                String cname = text(e, CONTAINER, "nil");
                String c = (!"host".equals(cname) ? sgr(colors, BLUE) : color) + " " + cname;
                out.accept(color + " " + c + " " + color + " " + info + line);
            } else {
                out.accept(color + " " + info + line);
            }
        }
    }

    /** on_capture_end: on a terminal, the colours reset ({@code print(terminal.reset)}). */
    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        if (tty) {
            out.accept(sgr(colors, RESET));
        }
    }

    /** The Lua's {@code sysdig.set_snaplen(2000)}. */
    @Override
    public int snapLen() {
        return 2000;
    }
}
