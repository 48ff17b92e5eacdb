package io.boxscope.diagnose;

import io.boxscope.bpf.tracefs.Tracefs;
import io.boxscope.bpf.tracefs.TracepointId;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How the exits collector ({@code ebpf-exits.bt}) knows that the task at {@code sched_process_exit} is the last of its
 * process, so that a process is counted once.
 *
 * <p>The tracepoint's {@code group_dead} field (include/trace/events/sched.h; recent kernels, 6.18 has it) is do_exit()'s own
 * answer: kernel/exit.c computes it with {@code atomic_dec_and_test(&tsk->signal->live)}, so exactly one task of a
 * process has it true. Older kernels' format has no such field; there the script reads {@code signal->live} itself,
 * which is 0 for every thread that reaches the tracepoint after the last decrement: when the threads of one process
 * die together (exit_group(2) kills them all) several may, and the process is counted more than once (an overcount
 * docs/diagnose.md states).
 */
public final class ProcessExits {
    private ProcessExits() {}

    static final TracepointId EXIT = new TracepointId("sched", "sched_process_exit");

    /** The script's test for "this task ends its process", by what the kernel offers. */
    public enum GroupEnd {
        /** The tracepoint's {@code group_dead}: exact. */
        GROUP_DEAD_FIELD("args->group_dead"),
        /** {@code signal->live} read at the tracepoint: can count a process once per thread that exits together. */
        LIVE_COUNTER("curtask->signal->live.counter == 0");

        private final String expression;

        GroupEnd(String expression) {
            this.expression = expression;
        }

        /** The condition as the probe language writes it. */
        public String expression() {
            return expression;
        }
    }

    /** {@link GroupEnd#GROUP_DEAD_FIELD} when tracefs under {@code sysRoot} lists it in the tracepoint's format. */
    public static GroupEnd detect(Path sysRoot) throws IOException {
        return Tracefs.locate(sysRoot).format(EXIT).field("group_dead").isPresent()
                ? GroupEnd.GROUP_DEAD_FIELD : GroupEnd.LIVE_COUNTER;
    }
}
