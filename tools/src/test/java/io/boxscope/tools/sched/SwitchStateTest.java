package io.boxscope.tools.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalLong;
import io.boxscope.tools.offcputime.Offcputime;
import org.junit.jupiter.api.Test;

/**
 * The values sched_switch reports (include/trace/events/sched.h, {@code __trace_sched_switch_state}; include/linux/sched.h
 * TASK_REPORT): 0 runnable at the return to user space, 0x100 (TASK_REPORT_MAX) preempted, 1 S, 2 D, 4 T, 8 t, 0x10 X,
 * 0x20 Z, 0x40 P, 0x80 I (TASK_REPORT_IDLE).
 */
class SwitchStateTest {
    @Test
    void runnableIsZeroOrThePreemptionFlag() {
        assertTrue(SwitchState.runnable(0));
        assertTrue(SwitchState.runnable(0x100));
        for (long sleeping : new long[] {1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80}) {
            assertFalse(SwitchState.runnable(sleeping), Long.toHexString(sleeping));
        }
        assertEquals("(args->prev_state & 0xff) == 0", SwitchState.runnableTest("args->prev_state"));
    }

    @Test
    void offcputimeStateZeroTakesPreemptionsAndOtherStatesStayExact() {
        String zero = Offcputime.script(new Offcputime.Options(-1, -1, 1, Long.MAX_VALUE, 0, OptionalLong.empty(), Duration.ZERO));
        assertTrue(zero.contains("(args->prev_state & 0xff) == 0"), zero);
        assertFalse(zero.contains("args->prev_state == 0"), zero);
        String two = Offcputime.script(new Offcputime.Options(-1, -1, 1, Long.MAX_VALUE, 2, OptionalLong.empty(), Duration.ZERO));
        assertTrue(two.contains("args->prev_state == 2"), two);
    }
}
