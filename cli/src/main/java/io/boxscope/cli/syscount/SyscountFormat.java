package io.boxscope.cli.syscount;

import io.boxscope.tools.syscount.SyscountProbe;
import io.boxscope.tools.syscount.SyscountSession;

import java.io.PrintWriter;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.View;
import io.boxscope.proc.json.Json;

/**
 * syscount's output: the text columns of libbpf-tools syscount (printf widths included), and JSON,
 * one object per summary (emitted as NDJSON, one line each).
 */
record SyscountFormat(SyscallTable table, boolean milliseconds) implements View<SyscountSession.Summary> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Override
    public void text(SyscountSession.Summary s, Terminal t) {
        // the runs the kernel skipped: once, after the last summary (SkippedTally), not before every one
        if (!s.rows().isEmpty()) { // libbpf-tools prints nothing for an empty interval
            // a comm's bytes that are not UTF-8 as they are to a file or a pipe (libbpf-tools syscount's %-15s),
            // escaped on a terminal (Text.escaping)
            t.processText(escape -> text(s, table, milliseconds, escape));
        }
        if (s.dropped() > 0 || !s.failedUpdates().isEmpty() || s.splitDeletes() > 0) {
            t.out().flush();
            PrintWriter err = t.err();
            if (s.dropped() > 0) {
                err.println(io.boxscope.tools.core.Lost.message(s.dropped()));
            }
            // the runtime's report of failed map updates, as every tool prints it; then what it means here
            for (io.boxscope.probe.output.Event.MapUpdateFailed f : s.failedUpdates()) {
                err.println(io.boxscope.tools.core.Lost.mapUpdatesFailed(f));
            }
            if (s.splitDeletes() > 0) { // the interval tools' warning (IntervalCommand)
                err.println(io.boxscope.tools.core.Lost.splitDeletes(s.splitDeletes()));
            }
            if (s.notCounted() > 0) {
                err.println("notice: " + s.notCounted() + " syscalls not counted: a BPF map was full (more than "
                        + SyscountProbe.MAP_KEYS + " processes, or more than " + SyscountProbe.MAP_KEYS + " threads inside a syscall with -L)");
            }
            err.flush();
        }
    }

    /**
     * The runs the kernel skipped over all of a run's summaries, said once after the last, with the total, as the
     * interval tools say theirs (docs/tools.md, IntervalCommand): libbpf-tools syscount prints only its summaries,
     * and a line before each of them put one between every two tables on a loaded machine. JSON keeps each
     * summary's own count ({@code skipped_events}).
     */
    static final class SkippedTally {
        private long total;

        void add(SyscountSession.Summary s) {
            total += s.skipped();
        }

        /** The line to print after the last summary, if the kernel skipped any run. */
        java.util.Optional<String> line() {
            return total > 0 ? java.util.Optional.of(io.boxscope.tools.core.Lost.skipped(total)) : java.util.Optional.empty();
        }
    }

    static String text(SyscountSession.Summary s, SyscallTable table, boolean milliseconds,
                       java.util.function.UnaryOperator<String> escape) {
        boolean process = s.byProcess();
        boolean latency = s.latency();
        StringBuilder sb = new StringBuilder();
        sb.append('[').append(s.time().format(TIME)).append("]\n");
        String head = process ? String.format(Locale.ROOT, "%-6s %-15s", "PID", "COMM")
                : String.format(Locale.ROOT, "%-22s", "SYSCALL");
        sb.append(head).append(String.format(Locale.ROOT, " %8s", "COUNT"));
        if (latency) {
            sb.append(String.format(Locale.ROOT, " %16s", milliseconds ? "TIME (ms)" : "TIME (us)"));
        }
        sb.append('\n');
        double div = milliseconds ? 1e6 : 1e3;
        for (SyscountProbe.Row r : s.rows()) {
            if (process) {
                String comm = escape.apply(r.comm());
                sb.append(String.format(Locale.ROOT, "%-6d %-15.15s", r.key(), comm));
            } else {
                sb.append(String.format(Locale.ROOT, "%-22s", table.name(r.key())));
            }
            sb.append(String.format(Locale.ROOT, " %8d", r.count()));
            if (latency) {
                sb.append(String.format(Locale.ROOT, " %16.3f", r.totalNs() / div));
            }
            sb.append('\n');
        }
        sb.append('\n');
        return sb.toString();
    }

    @Override
    public Object json(SyscountSession.Summary s) {
        boolean process = s.byProcess();
        Map<String, Object> o = Json.object();
        o.put("time", s.time().format(TIME));
        o.put("by", process ? "process" : "syscall");
        o.put(process ? "processes" : "syscalls", s.rows().stream().map(r -> {
            Map<String, Object> e = Json.object();
            if (process) {
                e.put("pid", r.key());
                e.put("comm", r.comm());
            } else {
                e.put("syscall", table.name(r.key()));
                e.put("nr", r.key());
            }
            e.put("count", r.count());
            if (s.latency()) {
                e.put("total_ns", r.totalNs());
            }
            return (Object) e;
        }).toList());
        o.put("dropped", s.dropped());
        o.put("not_counted", s.notCounted());
        o.put("map_updates_failed", s.failedUpdates().stream().map(f -> {
            Map<String, Object> m = Json.object();
            m.put("map", f.map());
            m.put("failed", f.count());
            m.put("full", f.full());
            m.put("capacity", f.capacity());
            m.put("error", f.error());
            return (Object) m;
        }).toList());
        o.put("skipped_events", s.skipped());
        o.put("split_deletes", s.splitDeletes());
        return o;
    }
}
