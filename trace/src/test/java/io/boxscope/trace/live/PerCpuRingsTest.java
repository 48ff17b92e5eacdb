package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.bpf.feature.Features;
import io.boxscope.bpf.ringbuf.RingBufReader;
import io.boxscope.bpf.sys.Cpus;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.KernelTest;
import io.boxscope.trace.filter.ContainerResolver;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.ServiceNames;
import org.junit.jupiter.api.Test;

/**
 * The capture's rings as the kernel fills them: where the kernel takes an array of ring buffers, one ring per online
 * CPU, and a child pinned to a CPU ({@code taskset -c}) has all its records, entries and exits, in that CPU's ring,
 * each carrying that CPU's number; every ring holds only records of its own CPU. Where the kernel refuses the array,
 * one shared ring and a line naming the refusal.
 */
@KernelTest
class PerCpuRingsTest {
    @Test
    void eachCpuWritesOnlyIntoItsOwnRing() throws Exception {
        int getpid = LiveCaptureTest.getpidNumber();
        int calls = 2_000;
        List<Integer> online = Cpus.online();
        List<Process> children = new ArrayList<>();
        for (int cpu : online) {
            children.add(new ProcessBuilder("taskset", "-c", Integer.toString(cpu), "perl", "-e",
                    "my $go = <STDIN>; syscall(" + getpid + ") for 1.." + calls + "; exit 0;").start());
        }
        Filter f = Filter.compile("evt.type=getpid", ServiceNames.none());
        PushDown.Split split = PushDown.split(f, SyscallTable.current(), EventTable.sysdig(), ContainerResolver.NONE);
        try (LiveCapture cap = LiveCapture.start(new LiveCapture.Options(HostPaths.DEFAULT, null, split.kernel(),
                LiveCapture.DEFAULT_SNAPLEN, LiveCapture.DEFAULT_RING_BYTES, 0, null, false))) {
            List<RingBufReader> rings = cap.probe().rings().rings();
            if (!Features.ringBufArray().isSupported()) {
                assertEquals(1, rings.size());
                assertTrue(cap.ringLayout().startsWith("rings: one shared ring") && cap.ringLayout().contains("refused"),
                        cap.ringLayout());
                return;
            }
            assertEquals(online.size(), rings.size(), cap.ringLayout());
            assertTrue(cap.ringLayout().startsWith("rings: one per CPU, " + online.size() + " x "), cap.ringLayout());
            for (Process c : children) {
                Workload.release(c);
                assertTrue(c.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, c.exitValue());
            }
            for (int i = 0; i < rings.size(); i++) {
                int cpu = online.get(i);
                long pid = children.get(i).pid();
                long[] own = {0};
                long[] wrongCpu = {0};
                long[] childElsewhere = {0};
                rings.get(i).drain(rec -> {
                    if (rec.get(ValueLayout.JAVA_INT_UNALIGNED, RawRecord.CPU) != cpu) {
                        wrongCpu[0]++;
                    }
                    long tgid = rec.get(ValueLayout.JAVA_LONG_UNALIGNED, RawRecord.PID_TGID) >>> 32;
                    int kind = rec.get(ValueLayout.JAVA_SHORT_UNALIGNED, RawRecord.KIND);
                    if (kind != RawRecord.ENTER && kind != RawRecord.EXIT) {
                        return; // the children's process exits come through the same rings
                    }
                    if (tgid == pid) {
                        own[0]++;
                    } else if (children.stream().anyMatch(c -> c.pid() == tgid)) {
                        childElsewhere[0]++;
                    }
                });
                assertEquals(0, wrongCpu[0], "ring " + i + " holds records of another CPU than " + cpu);
                assertEquals(0, childElsewhere[0], "ring " + i + " holds records of a child pinned to another CPU");
                assertEquals(0, cap.summary().syscallDrops(), "nothing may drop from an 8 MiB ring for " + calls + " calls");
                assertEquals(2L * calls, own[0], "the child pinned to CPU " + cpu + ": an entry and an exit per getpid");
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }
}
