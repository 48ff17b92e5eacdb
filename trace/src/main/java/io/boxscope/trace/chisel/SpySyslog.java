package io.boxscope.trace.chisel;

import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * spy_syslog: every message written to a syslog socket (successful writes on an fd whose name contains
 * {@code /dev/log}), as sysdig 0.29's {@code spy_syslog.lua} prints it when its output is not a terminal:
 * {@code FACILITY.SEVERITY PROC[TID] MESSAGE}; with {@code -pc}, the Lua's layout
 * {@code %-20s %-20s %s.%s} of facility, container id, container name and severity (its order, kept).
 *
 * <p>The message is decoded as libsinsp's syslog decoder does ({@code syslog.*} fields): a buffer that
 * starts with {@code <}, at least 3 bytes, the priority's digits up to {@code >}; facility = priority / 8
 * (RFC 5424's table: kern, user, ... local7), severity = priority % 8 (emerg ... debug), the message is what
 * follows the {@code >}. Writes that are not such a message have no syslog fields and are left out.
 * On a terminal ({@code sysdig.is_tty()}) the Lua starts each line with a colour: yellow for severity warn, red for
 * err and above, blue for a process in a container, green otherwise ({@code disable_color} as the third argument
 * leaves the codes out); with {@code -pc} its terminal layout puts the container id and name before
 * {@code FACILITY.SEVERITY}; at the end it prints {@code ESC[0m} and a newline. Its dump to a file
 * ({@code dump_file_name}) is not done.
 * The message is another process's text: escaped ({@link ChiselText}), a newline in it shown as {@code \n}
 * (sysdig prints it raw, so a message can forge a line or hide text with an SGR code).
 */
final class SpySyslog extends StreamChisel {
    private static final OutputField TID = OutputField.parse("thread.tid");
    private static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
            "uucp", "clock", "authpriv", "ftp", "ntp", "logaudit", "logalert", "cron", "local0", "local1", "local2", "local3",
            "local4", "local5", "local6", "local7");
    private static final List<String> SEVERITIES = List.of("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug");

    /** A decoded syslog message: facility and severity names, the text after the priority. */
    record Message(String facility, String severity, String text) {}

    private final boolean container;
    private final boolean tty;
    private final boolean colors;

    SpySyslog(ChiselInfo info, List<String> args, ChiselContext context) {
        super(info, "fd.name contains /dev/log and evt.is_io_write=true and evt.dir=< and evt.failed=false");
        if (!args.isEmpty() && !args.get(0).isEmpty()) {
            throw new IllegalArgumentException("chisel " + info.name() + ": writing the events around each message to a file"
                    + " (dump_file_name) is not supported");
        }
        this.container = context.container();
        this.tty = context.tty();
        this.colors = !(args.size() > 2 && args.get(2).equals("disable_color"));
    }

    /** The syslog message in a written buffer, or null when the buffer is not one. */
    static Message decode(byte[] b) {
        if (b.length < 3 || b[0] != '<') {
            return null;
        }
        int j = 1;
        while (j < b.length && b[j] != '>' && b[j] != 0 && j - 1 < 15) {
            j++;
        }
        int digits = j - 1;
        if (digits == 0 || digits > 9) {
            return null;
        }
        int pri = 0;
        for (int i = 1; i < j; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return null;
            }
            pri = pri * 10 + (b[i] - '0');
        }
        int facility = pri >> 3;
        if (facility >= FACILITIES.size()) {
            return null;
        }
        int from = Math.min(b.length, digits + 2);
        return new Message(FACILITIES.get(facility), SEVERITIES.get(pri & 7),
                new String(b, from, b.length - from, StandardCharsets.UTF_8));
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        byte[] b = data(e);
        Message m = b == null ? null : decode(b);
        if (m == null) {
            return;
        }
        String who = text(e, NAME, "nil") + "[" + text(e, TID, "0") + "] " + ChiselText.escape(m.text(), false);
        if (tty) {
            int sev = SEVERITIES.indexOf(m.severity());
            String color = sgr(colors, sev == 4 ? YELLOW : sev < 4 ? RED : !"host".equals(text(e, CONTAINER, "nil")) ? BLUE : GREEN);
            out.accept(color + (container
                    ? String.format(java.util.Locale.ROOT, "%-20s %-20s %s.%s ", text(e, CONTAINER_ID, "nil"),
                            text(e, CONTAINER, "nil"), m.facility(), m.severity())
                    : m.facility() + "." + m.severity() + " ") + who);
            return;
        }
        out.accept(container
                ? String.format(java.util.Locale.ROOT, "%-20s %-20s %s.%s ", m.facility(), text(e, CONTAINER_ID, "nil"),
                        text(e, CONTAINER, "nil"), m.severity()) + who
                : m.facility() + "." + m.severity() + " " + who);
    }

    /** on_capture_end: on a terminal, the colours reset ({@code print(terminal.reset)}). */
    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        if (tty) {
            out.accept(sgr(colors, RESET));
        }
    }

    /** The Lua's {@code sysdig.set_snaplen(1000)}. */
    @Override
    public int snapLen() {
        return 1000;
    }
}
