package io.boxscope.proc;

/**
 * {@code /proc/PID/task/TID/schedstat} (Documentation/scheduler/sched-stats.rst, "/proc/<pid>/schedstat"):
 * time spent on the CPU, time spent runnable but waiting on a run queue (the scheduler's
 * {@code run_delay}, what runqlat measures per wake-up), both in nanoseconds, and the number of
 * time slices run. Present when the kernel has CONFIG_SCHEDSTATS or CONFIG_SCHED_INFO.
 */
public record TaskSchedStat(long runNs, long waitNs, long timeslices) {
    /** The three numbers of the file's text (fields beyond them ignored); parsed by hand, see {@link Fields}. */
    public static TaskSchedStat parse(String text) {
        int[] b = new int[6];
        if (Fields.split(text, 0, text.length(), b) < 3) {
            throw new ProcParseException("schedstat", "expected 3 numbers, found: '" + ProcStat.abbreviate(text.strip()) + "'");
        }
        try {
            return new TaskSchedStat(Long.parseLong(text, b[0], b[1], 10), Long.parseLong(text, b[2], b[3], 10),
                    Long.parseLong(text, b[4], b[5], 10));
        } catch (NumberFormatException e) {
            throw new ProcParseException("schedstat", "not a number in: '" + ProcStat.abbreviate(text.strip()) + "'");
        }
    }
}
