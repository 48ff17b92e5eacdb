package io.boxscope.proc;

/**
 * {@code /proc/PID/task/TID/schedstat} (Documentation/scheduler/sched-stats.rst, "/proc/<pid>/schedstat"):
 * time spent on the CPU, time spent runnable but waiting on a run queue (the scheduler's
 * {@code run_delay}, what runqlat measures per wake-up), both in nanoseconds, and the number of
 * time slices run. Present when the kernel has CONFIG_SCHEDSTATS or CONFIG_SCHED_INFO.
 */
public record TaskSchedStat(long runNs, long waitNs, long timeslices) {
    public static TaskSchedStat parse(String text) {
        String[] f = text.strip().split("\\s+");
        if (f.length < 3) {
            throw new ProcParseException("schedstat", "expected 3 numbers, found: '" + ProcStat.abbreviate(text.strip()) + "'");
        }
        try {
            return new TaskSchedStat(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
        } catch (NumberFormatException e) {
            throw new ProcParseException("schedstat", "not a number in: '" + ProcStat.abbreviate(text.strip()) + "'");
        }
    }
}
