package io.boxscope.tools.sched;

/**
 * The {@code prev_state} field of the {@code sched:sched_switch} tracepoint, read the one way every Boxscope
 * script and class reads it. The kernel does not report the task's raw {@code __state} there:
 * include/trace/events/sched.h, {@code __trace_sched_switch_state}, returns {@code TASK_REPORT_MAX} (0x100 since
 * Linux 4.14, include/linux/sched.h) when the switch is a preemption ({@code __schedule(SM_PREEMPT)}:
 * {@code preempt_schedule*}, {@code preempt_schedule_irq}, and {@code cond_resched} through
 * {@code preempt_schedule_common}), and otherwise {@code 1 << (__task_state_index - 1)}, or 0 when the task stayed
 * runnable (a reschedule on the way back to user space). The tracepoint's own format prints "R" or "R+" when the
 * bits below {@code TASK_REPORT_MAX} are clear ({@code prev_state & (TASK_REPORT_MAX-1)}). So a task that still wants
 * the CPU, and waits in the run queue with no wake-up to come, is {@code (prev_state & 0xff) == 0}; testing
 * {@code prev_state == 0} misses every preemption inside the kernel (before 4.14 the flag was a higher bit,
 * {@code TASK_STATE_MAX}, which the mask also clears). libbpf-tools' runqlat and cpudist test the raw
 * {@code __state} of {@code tp_btf/sched_switch}, which is 0 for a preempted task as well.
 */
public final class SwitchState {
    /** The bits of {@code prev_state} that name a sleep state; a task with none of them set was still runnable. */
    public static final long STATE_MASK = 0xff;

    private SwitchState() {}

    /** True when a task that left its CPU with {@code prevState} was still runnable (preempted, or R at user return). */
    public static boolean runnable(long prevState) {
        return (prevState & STATE_MASK) == 0;
    }

    /** The same test in the probe language, on {@code expr} (e.g. {@code args->prev_state}). */
    public static String runnableTest(String expr) {
        return "(" + expr + " & 0x" + Long.toHexString(STATE_MASK) + ") == 0";
    }
}
