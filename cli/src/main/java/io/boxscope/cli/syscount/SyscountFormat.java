package io.boxscope.cli.syscount;

import io.boxscope.tools.syscount.SyscountProbe;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.cli.Text;
import io.boxscope.proc.json.Json;

/** syscount's output: the text columns of libbpf-tools syscount (printf widths included), and JSON. */
final class SyscountFormat {
    private SyscountFormat() {}

    static String text(List<SyscountProbe.Row> rows, SyscallTable table, boolean process, boolean latency,
            boolean milliseconds, String time) {
        StringBuilder sb = new StringBuilder();
        sb.append('[').append(time).append("]\n");
        String head = process ? String.format(Locale.ROOT, "%-6s %-15s", "PID", "COMM")
                : String.format(Locale.ROOT, "%-22s", "SYSCALL");
        sb.append(head).append(String.format(Locale.ROOT, " %8s", "COUNT"));
        if (latency) {
            sb.append(String.format(Locale.ROOT, " %16s", milliseconds ? "TIME (ms)" : "TIME (us)"));
        }
        sb.append('\n');
        double div = milliseconds ? 1e6 : 1e3;
        for (SyscountProbe.Row r : rows) {
            if (process) {
                String comm = Text.safe(r.comm());
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

    static Map<String, Object> json(List<SyscountProbe.Row> rows, SyscallTable table, boolean process, boolean latency,
            String time, long dropped) {
        Map<String, Object> o = Json.object();
        o.put("time", time);
        o.put("by", process ? "process" : "syscall");
        o.put(process ? "processes" : "syscalls", rows.stream().map(r -> {
            Map<String, Object> e = Json.object();
            if (process) {
                e.put("pid", r.key());
                e.put("comm", r.comm());
            } else {
                e.put("syscall", table.name(r.key()));
                e.put("nr", r.key());
            }
            e.put("count", r.count());
            if (latency) {
                e.put("total_ns", r.totalNs());
            }
            return e;
        }).toList());
        o.put("dropped", dropped);
        return o;
    }
}
