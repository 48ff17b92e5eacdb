package io.boxscope.proc.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** /proc/PID/status and /proc/PID/limits as proc(5) shows them (texts copied from a Linux 6.x machine). */
class TaskMemoryTest {
    private static final String STATUS = "Name:\tpython3\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t   20000 kB\n"
            + "VmSize:\t   18276 kB\nVmLck:\t       0 kB\nVmHWM:\t   14600 kB\nVmRSS:\t   14512 kB\nRssAnon:\t    6000 kB\n"
            + "VmSwap:\t      12 kB\nThreads:\t1\n";
    private static final String LIMITS = "Limit                     Soft Limit           Hard Limit           Units     \n"
            + "Max cpu time              unlimited            unlimited            seconds   \n"
            + "Max open files            1048576              1048576              files     \n";

    @Test
    void readsSizesAndTheSoftOpenFilesLimit() {
        assertEquals(new TaskMemory(18276, 14512, 12, 1048576), TaskMemory.parse(STATUS, LIMITS));
    }

    @Test
    void kernelThreadsHaveNoSizesAndUnlimitedIsUnknown() {
        String kthread = "Name:\tkthreadd\nState:\tS (sleeping)\nThreads:\t1\n";
        String unlimited = "Max open files            unlimited            unlimited            files     \n";
        assertEquals(new TaskMemory(0, 0, 0, -1), TaskMemory.parse(kthread, unlimited));
        assertEquals(new TaskMemory(0, 0, 0, -1), TaskMemory.parse(kthread, null));
    }
}
