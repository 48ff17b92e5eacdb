package io.boxscope.diagnose;

/**
 * One thread at one instant: its state letter from {@code /proc/PID/task/TID/stat} (proc(5): R
 * running or runnable, S sleeping, D uninterruptible, ...), its cumulative on-CPU and run-queue
 * wait times and time slices from {@code schedstat}, and, for a sleeping thread, the kernel
 * function it sleeps in ({@code wchan}), which says why it is off the CPU.
 */
public record TaskSample(int pid, int tid, String comm, char state, long runNs, long waitNs, long timeslices,
        String wchan) {

    /** Why a thread is where it is, from its state and wchan. */
    public OffCpu reason() {
        return OffCpu.of(state, wchan);
    }
}
