package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Workloads;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: the run-queue collector's wake-ups are raw tracepoints ({@code rawtracepoint:sched_wakeup}, the woken task's
 * pid read from its {@code task_struct}) instead of {@code tracepoint:} programs, which stay the fallback. A shell of
 * this test's own, told when to start, waits 40 times for a child {@code sleep}; every time it left its CPU to wait
 * (the kernel's {@code voluntary_ctxt_switches} in /proc/PID/status) it was woken and put back, so each of those waits
 * but the last (it is still blocked when the window ends) is one run-queue wait counted from a wake-up; at most its
 * preemptions ({@code nonvoluntary_ctxt_switches}) add to them.
 */
@KernelTest
class RawWakeupKernelTest {
    @Test
    void wakeUpsOfTheTestsOwnShellAreCountedFromRawTracepoints() throws Exception {
        List<String> phases = shellWaits(UnaryOperator.identity());
        assertEquals(List.of(), phases.stream().filter(x -> x.contains("refused")).toList(),
                "the raw sched_wakeup programs must load on a kernel with BTF");
    }

    /**
     * The fallback, run on a kernel where the raw tracepoints load: the raw script is made one the kernel refuses (its
     * wake-up attaches to a raw tracepoint the kernel's BTF does not have, as a kernel without it or without BTF
     * refuses the real one), so diagnose loads the {@code tracepoint:} script, says why, and counts the same waits of
     * the same shell against the same kernel counts.
     */
    @Test
    void theFallbackCountsTheSameWaits() throws Exception {
        List<String> phases = shellWaits(src -> {
            assertTrue(src.contains("rawtracepoint:sched_wakeup,"), src);
            return src.replace("rawtracepoint:sched_wakeup,", "rawtracepoint:boxscope_test_no_such_wakeup,");
        });
        assertTrue(phases.stream().anyMatch(x -> x.contains("raw sched_wakeup was refused") && x.contains("boxscope_test_no_such_wakeup")),
                "the fallback says the raw program was refused, quoting the kernel's reason: " + phases);
        assertTrue(phases.stream().anyMatch(x -> x.contains("tracepoint:sched:sched_wakeup used")), phases.toString());
    }

    /** The shell's 40 waits counted with the raw script passed through {@code rawScript}; the phases diagnose told. */
    private static List<String> shellWaits(UnaryOperator<String> rawScript) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "read a; i=0; while [ $i -lt 40 ]; do sleep 0.01; i=$((i+1)); done; echo done; read b")
                .redirectErrorStream(true).start();
        try {
            Thread.sleep(300); // blocked in its first read
            Target t = Targets.resolve(Long.toString(p.pid()), HostPaths.DEFAULT, ContainerDiscovery.of(HostPaths.DEFAULT));
            List<String> phases = new ArrayList<>();
            CollectorPlan plan = new CollectorPlan(EnumSet.of(Ebpf.Collector.RUNQLAT), Map.of());
            try (Ebpf e = Ebpf.start(t, HostPaths.DEFAULT, plan, phases::add, rawScript)) {
                long[] before = Workloads.contextSwitches(p.pid());
                OutputStream in = p.getOutputStream();
                in.write('\n');
                in.flush();
                byte[] line = p.getInputStream().readNBytes(5);
                assertEquals("done\n", new String(line, java.nio.charset.StandardCharsets.US_ASCII));
                Thread.sleep(300); // blocked in its second read
                long[] after = Workloads.contextSwitches(p.pid());
                EbpfFindings f = e.finish();
                assertEquals(List.of(), f.unmeasured().stream().filter(u -> !PreemptedWaitsKernelTest.SKIPPED.matcher(u).find()
                        && !PreemptedWaitsKernelTest.UNSEEN.matcher(u).find()
                        && !PreemptedWaitsKernelTest.STACKS_UNREAD.matcher(u).matches()).toList());
                long skipped = PreemptedWaitsKernelTest.counted(f.unmeasured(), PreemptedWaitsKernelTest.SKIPPED);
                long unseen = PreemptedWaitsKernelTest.counted(f.unmeasured(), PreemptedWaitsKernelTest.UNSEEN);
                long waits = f.runQueue().orElseThrow().count();
                long voluntary = after[0] - before[0];
                long preempted = after[1] - before[1];
                String why = "run-queue waits " + waits + ", not seen " + unseen + ", events skipped " + skipped + ", voluntary switches "
                        + voluntary + ", preemptions " + preempted + "; " + phases;
                assertTrue(voluntary >= 40, "the shell waited for each of its 40 children: " + voluntary);
                // each wait lost is counted: not seen (the script saw the thread leave its CPU twice) or skipped
                assertTrue(waits + unseen + skipped >= voluntary - 1 && waits <= voluntary - 1 + preempted, why);
                // a script that never ended a wait (a wrong key at the switch-in) would count every one as not seen
                assertTrue(unseen * 10 < voluntary, why);
            }
            return phases;
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void theFallbackIsTheTracepointAndEachScriptHasOneKindOfWakeUp() throws IOException {
        List<Ebpf.Collector> cs = List.of(Ebpf.Collector.RUNQLAT, Ebpf.Collector.OFFCPU);
        String raw = Ebpf.source(cs, Ebpf.Wakeups.RAW);
        String tp = Ebpf.source(cs, Ebpf.Wakeups.TRACEPOINT);
        assertTrue(raw.contains("rawtracepoint:sched_wakeup, rawtracepoint:sched_wakeup_new"), raw);
        assertFalse(raw.contains("tracepoint:sched:sched_wakeup"), raw);
        assertTrue(tp.contains("tracepoint:sched:sched_wakeup, tracepoint:sched:sched_wakeup_new"), tp);
        assertFalse(tp.contains("rawtracepoint:sched_wakeup"), tp);
        // off-CPU alone has no wake-up program at all
        assertFalse(Ebpf.source(List.of(Ebpf.Collector.OFFCPU), Ebpf.Wakeups.RAW).contains("sched_wakeup"));
    }

    @Test
    void theFallbackScriptLoads() throws Exception {
        String src = Ebpf.script(List.of(Ebpf.Collector.RUNQLAT, Ebpf.Collector.OFFCPU), Ebpf.Wakeups.TRACEPOINT,
                SyscallCounters.Filter.process((int) ProcessHandle.current().pid()), () -> BlockRequests.Start.values()[0], HostPaths.DEFAULT.sysRoot());
        try (var s = io.boxscope.tools.stacks.StackRun.load("diagnose-fallback-test", src, HostPaths.DEFAULT, null)) {
            s.attach();
        }
    }
}
