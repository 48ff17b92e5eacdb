package io.boxscope.diagnose;

import io.boxscope.proc.ProcIo;

/**
 * A process target's own I/O over the window, the difference of its {@code /proc/PID/io} counters (proc(5),
 * "/proc/pid/io") between the first and the last full sample that read them. A process outside containers shares its
 * cgroup (often the root: the whole host) with everything else, so its cgroup's I/O counters are not its own; and the
 * eBPF block collector sees only the requests its tasks submitted themselves, not the page-cache writes that writeback's
 * kernel threads flush later. {@code /proc/PID/io} is the process's own account: fs/proc/base.c
 * {@code do_io_accounting} with {@code whole} set sums the live threads' counters and those of exited threads
 * (kept in {@code signal->ioac}), so the per-thread {@code /proc/PID/task/TID/io} files add nothing to it. Children
 * count only once reaped, and only what they did (their counters join the parent's at wait()).
 *
 * @param seconds time between the two reads
 * @param readBytes bytes the process caused to be fetched from storage ({@code read_bytes})
 * @param writeBytes bytes it caused to be sent to storage ({@code write_bytes}: page-cache pages when dirtied,
 *     direct I/O when submitted)
 * @param cancelledWriteBytes of those, bytes whose dirty pages were truncated before writeback
 * @param rchar bytes read(2) and its kin returned (from the page cache, pipes, sockets too)
 * @param wchar bytes passed to write(2) and its kin
 * @param syscr read system calls
 * @param syscw write system calls
 */
public record ProcessIo(double seconds, long readBytes, long writeBytes, long cancelledWriteBytes, long rchar, long wchar,
        long syscr, long syscw) {

    /** The counters' differences from {@code a} to {@code b}, read {@code seconds} apart; a counter that went back is 0. */
    static ProcessIo between(ProcIo a, ProcIo b, double seconds) {
        return new ProcessIo(seconds, d(a.readBytes(), b.readBytes()), d(a.writeBytes(), b.writeBytes()),
                d(a.cancelledWriteBytes(), b.cancelledWriteBytes()), d(a.rchar(), b.rchar()), d(a.wchar(), b.wchar()),
                d(a.syscr(), b.syscr()), d(a.syscw(), b.syscw()));
    }

    private static long d(long a, long b) {
        return Math.max(0, b - a);
    }

    /** Bytes per second of {@code bytes} over the window; 0 for a window of no time. */
    public double perSecond(long bytes) {
        return seconds <= 0 ? 0 : bytes / seconds;
    }

    /**
     * One line for the text, the report and the evidence: "16.0 MiB written to storage (1.6 MiB/s; 0 B of it cancelled),
     * 0 B read from storage; 16.0 MiB passed to 4 write calls, 1.2 KiB returned by 3 read calls (/proc/PID/io)".
     */
    public String sentence() {
        return String.format(java.util.Locale.ROOT,
                "%s written to storage (%s/s; %s of it cancelled before writeback), %s read from storage (%s/s); "
                        + "%s passed to %d write calls, %s returned by %d read calls (/proc/PID/io, over %.1f s)",
                io.boxscope.mem.Units.bytes(writeBytes), io.boxscope.mem.Units.bytes((long) perSecond(writeBytes)),
                io.boxscope.mem.Units.bytes(cancelledWriteBytes), io.boxscope.mem.Units.bytes(readBytes),
                io.boxscope.mem.Units.bytes((long) perSecond(readBytes)), io.boxscope.mem.Units.bytes(wchar), syscw,
                io.boxscope.mem.Units.bytes(rchar), syscr, seconds);
    }
}
