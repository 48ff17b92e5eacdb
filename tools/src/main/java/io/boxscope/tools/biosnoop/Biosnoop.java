package io.boxscope.tools.biosnoop;

import java.util.List;
import java.util.function.UnaryOperator;
import io.boxscope.proc.Pad;
import io.boxscope.proc.Partitions;

/**
 * libbpf-tools' biosnoop on the block tracepoints (script {@code biosnoop.bt}): one line per
 * completed block I/O with its process, disk, rwbs, sector, size and latency, as biosnoop.c prints it.
 */
public final class Biosnoop {
    private Biosnoop() {}

    /**
     * biosnoop's options.
     *
     * @param queued    -Q: a QUE(ms) column, the time from insert to issue
     * @param diskDev   -d DISK as the kernel's internal dev_t, or null
     * @param minMillis -m MIN: only I/Os at least this slow (ms), 0 for all
     * @param timestamp -t: wall-clock time instead of seconds since the first I/O
     */
    public record Options(boolean queued, Long diskDev, long minMillis, boolean timestamp) {
        /** The script's $1..$2. */
        public List<String> params() {
            return List.of(diskDev == null ? "0" : Long.toString(diskDev + 1), Long.toString(minMillis * 1_000_000L));
        }
    }

    /**
     * One completed I/O.
     *
     * @param timeNs    the completion's CLOCK_MONOTONIC time (bpf_ktime_get_ns)
     * @param dev       the disk's internal dev_t
     * @param disk      its name from /proc/partitions, or "Unknown"
     * @param pid       the process that started it (0 when the start was not seen)
     * @param comm      its command name ("?" when the start was not seen, as libbpf-tools)
     * @param rwbs      the kernel's rwbs flags (R, WS, FWFS, ...)
     * @param sector    first sector
     * @param bytes     size in bytes
     * @param queuedNs  insert to issue (-1: no insert seen; 0 on a disk without an I/O scheduler)
     * @param latencyNs issue to completion
     */
    public record Event(long timeNs, long dev, String disk, int pid, String comm, String rwbs, long sector, long bytes,
                        long queuedNs, long latencyNs) {}

    /**
     * The event of one printf of the script ({@code ts dev pid comm rwbs sector bytes queued latency});
     * {@code noScheduler} says whether the disk queues without an I/O scheduler ({@code [none]} in
     * /sys/block/DISK/queue/scheduler): there libbpf-tools print a queue time of 0, elsewhere -1 when
     * no insert was seen.
     */
    public static Event event(long ts, long dev, int pid, String comm, String rwbs, long sector, long bytes, long queued,
                              long latency, Partitions partitions, boolean noScheduler) {
        String c = comm.isEmpty() ? "?" : comm;
        long q = queued < 0 && noScheduler ? 0 : queued;
        return new Event(ts, dev, partitions.name(dev).orElse("Unknown"), pid, c, rwbs, sector, bytes, q, latency);
    }

    /** The column header line. */
    public static String header(Options o) {
        StringBuilder sb = new StringBuilder();
        sb.append(o.timestamp() ? String.format("%-12s ", "TIMESTAMP") : String.format("%-11s ", "TIME(s)"));
        sb.append(String.format("%-14s %-7s %-7s %-4s %-10s %-7s ", "COMM", "PID", "DISK", "T", "SECTOR", "BYTES"));
        if (o.queued()) {
            sb.append(String.format("%7s ", "QUE(ms)"));
        }
        return sb.append(String.format("%7s\n", "LAT(ms)")).toString();
    }

    /**
     * One event's line as biosnoop.c's {@code handle_event} prints it: seconds since {@code firstNs}
     * (the first event's time) or the wall-clock {@code clock} ({@code HH:MM:SS.mmm}) with -t. The
     * format {@code "%-11.6f %-14s %-7d %-7s %-4s %-10d %-7d [%7.3f ]%7.3f\n"} without String.format
     * ({@link Pad}: a line per I/O; the same text, BiosnoopTextTest compares the two).
     */
    public static String line(Event e, Options o, long firstNs, String clock) {
        return line(e, o, firstNs, clock, UnaryOperator.identity());
    }

    /**
     * {@link #line(Event, Options, long, String)} with the command name, cut to its 14 columns first, through
     * {@code escape} (the cli's terminal escape; a comm with a newline would otherwise forge a line), then padded.
     */
    public static String line(Event e, Options o, long firstNs, String clock, UnaryOperator<String> escape) {
        StringBuilder sb = new StringBuilder(96);
        if (o.timestamp()) {
            Pad.left(sb, clock, 12).append(' ');
        } else {
            Pad.fixedLeft(sb, e.timeNs() - firstNs, 9, 6, 11).append(' ');
        }
        String comm = e.comm().length() > 14 ? e.comm().substring(0, 14) : e.comm();
        Pad.left(sb, escape.apply(comm), 14).append(' ');
        Pad.left(sb, e.pid(), 7).append(' ');
        Pad.left(sb, e.disk(), 7).append(' ');
        Pad.left(sb, e.rwbs(), 4).append(' ');
        Pad.left(sb, e.sector(), 10).append(' ');
        Pad.left(sb, e.bytes(), 7).append(' ');
        if (o.queued()) {
            // -1: no insert seen, shown as -1.000 (not -0.000, what -1 ns would round to)
            Pad.fixedRight(sb, e.queuedNs() == -1 ? -1_000_000L : e.queuedNs(), 6, 3, 7).append(' ');
        }
        return Pad.fixedRight(sb, e.latencyNs(), 6, 3, 7).append('\n').toString();
    }
}
