package io.boxscope.tools.offcputime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.probe.output.StacksUnread;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.proc.HostPaths;
import io.boxscope.tools.sched.SwitchState;
import io.boxscope.tools.stacks.StackRun;
import io.boxscope.tools.stacks.StackSample;
import io.boxscope.tools.stacks.StackSamples;
import io.boxscope.tools.syscount.SyscountSession;

/**
 * libbpf-tools' offcputime: the time threads spend off a CPU, summed by thread, command and the
 * stacks they left the CPU with, from sched:sched_switch (offcputime.bpf.c does the same on
 * tp_btf/raw_tp sched_switch). The in-kernel part is {@code offcputime.bt}. Differences from the C
 * tool: the idle task is left out (libbpf-tools records it by CPU), and {@code --cgroup-id} filters
 * on the exact cgroup v2 id of the thread going off the CPU (a container's processes; not cgroups
 * below it), because the whole-probe cgroup filter would also skip the switch that puts a target
 * thread back.
 *
 * <p>Times include the wait for a CPU after the wake-up, as in the C tool: a thread is "off CPU" from
 * the switch that takes it off to the switch that puts it back.
 */
public final class Offcputime {
    private Offcputime() {}

    /**
     * offcputime's options: {@code -p} tgid, {@code -t} tid, {@code -m}/{@code -M} microseconds,
     * {@code --state} (the {@code prev_state} value, e.g. 2 for TASK_UNINTERRUPTIBLE; 0 is every switch that left the
     * thread runnable, preemptions included: {@link SwitchState}), a cgroup id; {@code stackStorageSize}: the stacks the
     * stack map holds ({@code --stack-storage-size}; libbpf-tools' default is 1,024, Boxscope's {@link StackRun#STACK_KEYS}).
     */
    public record Options(int pid, int tid, long minBlockUs, long maxBlockUs, long state, OptionalLong cgroupId,
            Duration duration, int stackStorageSize) {
        public Options(int pid, int tid, long minBlockUs, long maxBlockUs, long state, OptionalLong cgroupId, Duration duration) {
            this(pid, tid, minBlockUs, maxBlockUs, state, cgroupId, duration, StackRun.STACK_KEYS);
        }

        public Options {
            StackRun.checkStackKeys(stackStorageSize);
            if (minBlockUs >= maxBlockUs) {
                throw new IllegalArgumentException("min_block_time should be smaller than max_block_time");
            }
            if (minBlockUs < 0) {
                throw new IllegalArgumentException("-m takes a non-negative number of microseconds");
            }
            // libbpf-tools offcputime.c parse_arg: "Invalid task state" for anything but 0, 1 or 2 (-1 here: not given)
            if (state < -1 || state > 2) {
                throw new IllegalArgumentException("Invalid task state: " + state + " (0 runnable, 1 interruptible, 2 uninterruptible)");
            }
        }

        public static Options defaults() {
            return new Options(-1, -1, 1, Long.MAX_VALUE, -1, OptionalLong.empty(), Duration.ZERO);
        }
    }

    /**
     * Stacks by thread (the sample's pid is the thread id, as offcputime prints it), heaviest first; weights in
     * microseconds; {@code skipped}: context switches the kernel did not run the program for (another BPF
     * program was running on the CPU); {@code failedUpdates}: map updates that failed in the kernel (a full
     * map: stacks past its capacity not counted), as the probe runtime reports them for every tool;
     * {@code kernelSymbolsMissing}: the distinct kernel addresses of {@code stacks} shown as {@code [unknown]} because kallsyms could not be read, and
     * why (empty when none were); {@code stacksUnread}: the stacks shown empty because bpf_get_stackid could not store
     * them (a full or colliding stack map), by errno.
     */
    public record Report(Options options, List<StackSample> stacks, long totalUs, Duration elapsed, long skipped,
                         List<Event.MapUpdateFailed> failedUpdates, Optional<KernelSymbolsMissing> kernelSymbolsMissing,
                         Optional<StacksUnread> stacksUnread) {
        public Report {
            java.util.Objects.requireNonNull(stacksUnread, "stacksUnread");
            stacks = List.copyOf(stacks);
            failedUpdates = List.copyOf(failedUpdates);
            java.util.Objects.requireNonNull(kernelSymbolsMissing, "kernelSymbolsMissing");
        }
    }

    public static String script(Options o) {
        List<String> filter = new ArrayList<>();
        if (o.pid() > 0) {
            filter.add("pid == " + o.pid());
        }
        if (o.tid() > 0) {
            filter.add("tid == " + o.tid());
        }
        if (o.state() >= 0) {
            // BCC and libbpf-tools compare the raw __state, which is 0 for a preempted task; the tracepoint reports a
            // preemption as 0x100 (SwitchState), so state 0 is every switch that left the task runnable
            filter.add(o.state() == 0 ? SwitchState.runnableTest("args->prev_state") : "args->prev_state == " + o.state());
        }
        if (o.cgroupId().isPresent()) {
            filter.add("cgroup == " + Long.toUnsignedString(o.cgroupId().getAsLong()));
        }
        return template().replace("${FILTER}", filter.isEmpty() ? "1" : String.join(" && ", filter))
                .replace("${MIN}", Long.toString(o.minBlockUs()))
                .replace("${MAX}", o.maxBlockUs() == Long.MAX_VALUE ? "0x7fffffffffffffff" : Long.toString(o.maxBlockUs()));
    }

    public static Report run(Options o, HostPaths paths, SyscountSession.Stop stop)
            throws ProgramException, AccessDeniedException, ProbeRunException, InterruptedException {
        StackRun.Result r = StackRun.run("offcputime", script(o), paths, null, o.duration(), stop, List.of("@offcpu"),
                o.stackStorageSize());
        List<StackSample> stacks = StackSamples.of(r.map("@offcpu"), StackSamples.Keys.STANDARD);
        long total = stacks.stream().mapToLong(StackSample::weight).sum();
        return new Report(o, stacks, total, r.elapsed(), r.skipped(), r.failedUpdates(), r.kernelSymbolsMissing("@offcpu", 3),
                r.stacksUnread());
    }

    private static String template() {
        try (InputStream in = Offcputime.class.getResourceAsStream("offcputime.bt")) {
            if (in == null) {
                throw new IllegalStateException("resource offcputime.bt missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource offcputime.bt", e);
        }
    }
}
