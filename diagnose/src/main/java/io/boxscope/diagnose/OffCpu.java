package io.boxscope.diagnose;

/**
 * What a sampled thread was doing, from its state and the kernel function it sleeps in
 * ({@code /proc/PID/task/TID/wchan}). The function names are the kernel's own (6.x): a futex wait
 * is a lock or condition variable; {@code hrtimer_nanosleep}/{@code do_nanosleep} a timed sleep;
 * the poll family an event loop waiting for work; a task in state D waits on I/O (or, rarely,
 * another uninterruptible kernel wait, counted with I/O as the kernel's load average does).
 */
public enum OffCpu {
    /** On a CPU or waiting for one (state R). */
    RUNNING,
    /** Uninterruptible sleep (state D): block I/O, page faults on files, fsync. */
    IO,
    /** futex: mutexes, condition variables, thread-pool queues. */
    LOCK,
    /** nanosleep / clock_nanosleep: the program chose to sleep. */
    SLEEP,
    /** poll/select/epoll, pipe and socket reads, accept: waiting for input. */
    WAIT_INPUT,
    /** wait4/waitid: a parent waiting for a child, whose own state is sampled instead. */
    CHILD,
    /** Any other sleep (signals, unknown wchan). */
    OTHER,
    /** Stopped, traced, zombie or dead: not part of the workload's time. */
    GONE;

    static OffCpu of(char state, String wchan) {
        return switch (state) {
            case 'R' -> RUNNING;
            case 'D' -> IO;
            case 'S', 'I' -> sleeping(wchan);
            case 'T', 't', 'Z', 'X', 'x' -> GONE;
            default -> OTHER;
        };
    }

    private static OffCpu sleeping(String w) {
        if (w.equals("do_wait") || w.contains("wait4") || w.contains("waitid")) {
            return CHILD;
        }
        if (w.contains("futex")) {
            return LOCK;
        }
        if (w.contains("nanosleep") || w.equals("msleep") || w.startsWith("schedule_hrtimeout") && !w.contains("range")) {
            return SLEEP;
        }
        if (w.contains("poll") || w.contains("select") || w.startsWith("pipe_") || w.contains("wait_woken")
                || w.startsWith("sk_wait") || w.contains("accept") || w.contains("unix_stream") || w.contains("tty")
                || w.contains("n_tty") || w.contains("schedule_hrtimeout_range") || w.contains("do_sigtimedwait")) {
            return WAIT_INPUT;
        }
        if (w.contains("io_schedule") || w.contains("folio_wait") || w.contains("wait_on_page") || w.contains("jbd2")
                || w.contains("blk_") || w.contains("fsync")) {
            return IO;
        }
        return OTHER;
    }

    /**
     * Why a thread was off its CPU, from the kernel stack it left with (innermost first) and the
     * {@code prev_state} of sched_switch: a switch that left it runnable (0, or the preemption flag 0x100 that the
     * tracepoint reports for a preemption inside the kernel: {@link io.boxscope.tools.sched.SwitchState}) is RUNNING,
     * 2 (TASK_UNINTERRUPTIBLE) is I/O as for state D; otherwise the first frame the wchan rules
     * recognise names it (futex, nanosleep, poll...).
     */
    static OffCpu ofStack(java.util.List<String> kernel, long prevState) {
        if (io.boxscope.tools.sched.SwitchState.runnable(prevState)) {
            return RUNNING;
        }
        if ((prevState & 2) != 0) {
            return IO;
        }
        for (String f : kernel) {
            OffCpu r = sleeping(f);
            if (r != OTHER) {
                return r;
            }
        }
        return OTHER;
    }
}
