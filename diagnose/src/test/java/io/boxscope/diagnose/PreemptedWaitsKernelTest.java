package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Workloads;
import io.boxscope.tools.stacks.StackSample;
import org.junit.jupiter.api.Test;

/**
 * A thread preempted inside the kernel waits in the run queue with no wake-up to come, and sched_switch reports it
 * with {@code prev_state} 0x100 (TASK_REPORT_MAX: include/trace/events/sched.h, {@code __trace_sched_switch_state}),
 * not 0. The workload is testkit's {@link Workloads#preemptedInTheKernel()}: two {@code dd} reading /dev/zero a MiB at
 * a time, pinned to one CPU, which take turns by preemption, nearly always inside read(2) (by the timer interrupt's
 * {@code preempt_schedule_irq} on a full, lazy or rt preemption model, by {@code cond_resched} in /dev/zero's read
 * loop on none or voluntary: the same {@code __schedule(SM_PREEMPT)}, whichever model the running kernel has, which
 * the messages name).
 *
 * <p>Every switch the kernel counts in {@code nonvoluntary_ctxt_switches} leaves the task runnable, so each starts a
 * run-queue wait that ends when the task is put back: the waits counted in the window are at least the watched
 * dd's nonvoluntary switches in it, less one (it can be off its CPU when the window closes, put back after the
 * program is detached) and less the sched_switch events the kernel skipped (another BPF program running on that CPU:
 * each can lose the start or the end of one wait). Waits can exceed the switches (a switch between attaching and the
 * first read of the counts). With {@code prev_state == 0} only the preemptions at the return to user space start a
 * wait, and this fails. The same preemptions are the off-CPU reason RUNNING: nearly all of dd's time off a CPU.
 */
@KernelTest
class PreemptedWaitsKernelTest {
    static final Pattern SKIPPED = Pattern.compile("(\\d+) events? skipped by the kernel");
    /** Ebpf.finish's line for the waits whose end the script did not see (ebpf-sched.bt's {@code @runq_unseen}). */
    static final Pattern UNSEEN = Pattern.compile("(\\d+) waits? not seen");
    /**
     * A stack collector's note for stacks its map could not store: bpf_get_stackid's EEXIST when two stacks hash to one
     * bucket (a birthday collision among a few stacks in 4,096 buckets; seen in CI run s34b), counted and said, as
     * cli's DiagnoseDockerTest accepts it.
     */
    static final Pattern STACKS_UNREAD = Pattern.compile(
            "[a-zA-Z /-]+: [1-9][0-9]* stacks? shown empty because (it|they) could not be read: [1-9][0-9]* EEXIST .*");

    /** The sum of the counts {@code p} finds in the lines of {@code unmeasured}. */
    static long counted(List<String> unmeasured, Pattern p) {
        long n = 0;
        for (String u : unmeasured) {
            Matcher m = p.matcher(u);
            n += m.find() ? Long.parseLong(m.group(1)) : 0;
        }
        return n;
    }

    @Test
    void preemptionsInsideTheKernelAreRunQueueWaitsAndRunningTime() throws Exception {
        String model = Workloads.preemptionModel();
        List<Process> dds = Workloads.preemptedInTheKernel();
        try {
            Thread.sleep(200); // both running
            long pid = dds.getFirst().pid();
            Target t = Targets.resolve(Long.toString(pid), HostPaths.DEFAULT, ContainerDiscovery.of(HostPaths.DEFAULT));
            List<String> phases = new ArrayList<>();
            CollectorPlan plan = new CollectorPlan(EnumSet.of(Ebpf.Collector.RUNQLAT, Ebpf.Collector.OFFCPU), Map.of());
            try (Ebpf e = Ebpf.start(t, HostPaths.DEFAULT, plan, phases::add)) {
                long[] before = Workloads.contextSwitches(pid);
                Thread.sleep(2000);
                long[] after = Workloads.contextSwitches(pid);
                EbpfFindings f = e.finish();
                long skipped = counted(f.unmeasured(), SKIPPED);
                long unseen = counted(f.unmeasured(), UNSEEN);
                assertEquals(List.of(), f.unmeasured().stream().filter(u -> !SKIPPED.matcher(u).find() && !UNSEEN.matcher(u).find()
                        && !STACKS_UNREAD.matcher(u).matches()).toList());
                long preempted = after[1] - before[1];
                long waits = f.runQueue().orElseThrow().count();
                String why = "preemption model " + model + ": run-queue waits " + waits + ", not seen " + unseen + ", nonvoluntary switches "
                        + preempted + ", sched_switch events skipped " + skipped + "; phases " + phases;
                // two tasks that never sleep share one CPU for 2 s: the scheduler switches between them every few ms
                assertTrue(preempted >= 10, why);
                assertTrue(waits + unseen >= preempted - 1 - skipped, why);
                // a script that never ended a wait (a wrong key at the switch-in) would count every one as not seen
                assertTrue(unseen * 10 < preempted, why);

                // the workload is what the test is about: dd was switched out inside /dev/zero's read
                List<StackSample> off = f.offCpu().orElseThrow();
                long inRead = off.stream().filter(s -> s.kernel().stream().anyMatch(k -> k.contains("read_zero") || k.contains("read_iter_zero")))
                        .mapToLong(StackSample::weight).sum();
                long total = off.stream().mapToLong(StackSample::weight).sum();
                assertTrue(inRead > 0, why + "; off-CPU stacks " + off);
                long running = f.offCpuByReason().getOrDefault(OffCpu.RUNNING, 0L);
                assertTrue(running * 10 >= total * 9, "off-CPU time RUNNING " + running + " of " + total + " us, by reason "
                        + f.offCpuByReason() + "; " + why);
            }
        } finally {
            for (Process p : dds) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
