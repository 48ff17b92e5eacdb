package io.boxscope.proc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /proc/PID/io}, a process's I/O counters (proc(5), "/proc/pid/io"; written by {@code proc_pid_io_accounting}
 * in fs/proc/base.c as seven {@code name: value} lines, present when the kernel has CONFIG_TASK_IO_ACCOUNTING).
 * The counters cover the process's live and exited threads and, once reaped, its children.
 *
 * @param rchar bytes read(2) and its kin returned, from storage or not (pipes, ttys, the page cache)
 * @param wchar bytes passed to write(2) and its kin
 * @param syscr read system calls
 * @param syscw write system calls
 * @param readBytes bytes the process caused to be fetched from storage
 * @param writeBytes bytes the process caused to be sent to storage: page-cache pages when dirtied, direct I/O
 *     when submitted
 * @param cancelledWriteBytes of {@code writeBytes}, bytes whose dirty pages were truncated before writeback
 *     (a file deleted or truncated while dirty)
 */
public record ProcIo(long rchar, long wchar, long syscr, long syscw, long readBytes, long writeBytes,
        long cancelledWriteBytes) {
    private static final List<String> FIELDS =
            List.of("rchar", "wchar", "syscr", "syscw", "read_bytes", "write_bytes", "cancelled_write_bytes");

    /**
     * The seven counters of one file's text. Lines with other names are ignored (a later kernel may add some);
     * a missing or repeated counter, or one that is not a decimal number in 0..Long.MAX_VALUE, is a
     * {@link ProcParseException}.
     */
    public static ProcIo parse(String text) {
        Map<String, Long> values = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            if (!FIELDS.contains(name)) {
                continue;
            }
            String number = line.substring(colon + 1).strip();
            long v;
            try {
                v = Long.parseLong(number);
            } catch (NumberFormatException e) {
                throw new ProcParseException("io", name + " is not a number: '" + ProcStat.abbreviate(number) + "'");
            }
            if (v < 0) {
                throw new ProcParseException("io", name + " is negative: " + v);
            }
            if (values.putIfAbsent(name, v) != null) {
                throw new ProcParseException("io", name + " appears twice");
            }
        }
        List<String> missing = FIELDS.stream().filter(f -> !values.containsKey(f)).toList();
        if (!missing.isEmpty()) {
            throw new ProcParseException("io", "no " + String.join(", ", missing) + " line (proc(5) lists seven counters)");
        }
        return new ProcIo(values.get("rchar"), values.get("wchar"), values.get("syscr"), values.get("syscw"),
                values.get("read_bytes"), values.get("write_bytes"), values.get("cancelled_write_bytes"));
    }
}
