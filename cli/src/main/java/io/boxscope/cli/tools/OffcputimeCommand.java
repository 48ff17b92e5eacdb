package io.boxscope.cli.tools;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.StopSignals;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.UsageException;
import io.boxscope.cli.View;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.offcputime.Offcputime;
import io.boxscope.tools.stacks.StackSample;

/**
 * {@code boxscope offcputime}: libbpf-tools' offcputime (same options and multi-line output, weights
 * in microseconds), plus {@code -f} folded output as BCC's offcputime has it, {@code --container}
 * and {@code --json}. The kernel side is {@link Offcputime}'s probe-language script.
 */
public final class OffcputimeCommand extends CliCommand {
    final Opt<Integer> pid = option(Integer.class, null, "-p").label("PID").help("Trace this PID only.");
    final Opt<Integer> tid = option(Integer.class, null, "-t", "--tid").label("TID").help("Trace this TID only.");
    final Opt<Long> min = option(long.class, 1L, "-m", "--min-block-time").label("MIN-BLOCK-TIME")
            .help("The amount of time in microseconds over which we store traces (default 1).");
    final Opt<Long> max = option(long.class, Long.MAX_VALUE, "-M", "--max-block-time").label("MAX-BLOCK-TIME")
            .help("The amount of time in microseconds under which we store traces (default U64_MAX).");
    final Opt<Long> state = option(Long.class, null, "--state").label("STATE")
            .help("Filter on this thread state bitmask (eg, 2 == TASK_UNINTERRUPTIBLE) see include/linux/sched.h.");
    final Opt<Integer> stackStorage = option(int.class, io.boxscope.tools.stacks.StackRun.STACK_KEYS, "--stack-storage-size")
            .label("STACK-STORAGE-SIZE").help("Distinct stacks the stack map holds (default " + io.boxscope.tools.stacks.StackRun.STACK_KEYS
                    + "); raise it when stacks are reported unread.");
    final Opt<Boolean> folded = flag("-f", "--folded").help("Output folded format, one line per stack (for flame graphs).");
    final Opt<Integer> duration = positional(Integer.class, null).arity("0..1").label("duration")
            .help("Seconds to trace (default: until Ctrl-C).");

    public OffcputimeCommand() {
        super("offcputime", "Summarize off-CPU time by stack trace (sched:sched_switch), like libbpf-tools offcputime.",
                "Times are microseconds from leaving a CPU to running again (they include the run-queue wait).");
        globals("--json", "--proc-root", "--sys-root", "--container", "--pid");
        examples("  boxscope offcputime                 until Ctrl-C",
                "  boxscope offcputime 5               for 5 seconds only",
                "  boxscope offcputime -m 1000         only blocks longer than 1000 usec",
                "  boxscope offcputime -p 185 -f 10    one process, folded",
                "  boxscope offcputime --state 2 5     uninterruptible sleeps (often I/O)",
                "  boxscope offcputime --container web 5");
    }

    /** The state asked for, or -1 when none; -1 given by the user is refused as libbpf-tools refuses it. */
    private long stateGiven() {
        Long s = state.value();
        if (s == null) {
            return -1;
        }
        if (s < 0) {
            throw new UsageException("Invalid task state: " + s + " (0 runnable, 1 interruptible, 2 uninterruptible)");
        }
        return s;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        GlobalOptions g = global();
        if (pid.value() != null && g.pid() != null && !pid.value().equals(g.pid())) {
            throw new UsageException("-p " + pid.value() + " and --pid " + g.pid() + " disagree: give one");
        }
        int p = pid.value() != null ? pid.value() : g.pid() != null ? g.pid() : -1;
        if (duration.value() != null && duration.value() <= 0) {
            throw new UsageException("Invalid duration (in s): " + duration.value());
        }
        OptionalLong cgroup = OptionalLong.empty();
        if (g.container() != null) {
            try {
                cgroup = OptionalLong.of(CgroupFs.cgroupId(ToolTarget.resolve(g.paths(), null, g.container()).cgroupDir()));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        Offcputime.Options o;
        try {
            o = new Offcputime.Options(p, tid.value() == null ? -1 : tid.value(), min.value(), max.value(), stateGiven(), cgroup,
                    duration.value() == null ? Duration.ZERO : Duration.ofSeconds(duration.value()), stackStorage.value());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try (StopSignals stop = StopSignals.install()) {
            if (!folded.value() && !g.json()) {
                out().println("Tracing off-CPU time (us) of " + (p > 0 ? "PID " + p : "all threads") + " by user + kernel stack"
                        + (o.duration().isPositive() ? " for " + o.duration().toSeconds() + " secs." : "... Hit Ctrl-C to end."));
                // the reader already gone (| true, a pager quit): nothing to trace for; Main says nothing of a closed pipe
                if (out().checkError()) {
                    return ExitCode.OK;
                }
            }
            Offcputime.Report r = Offcputime.run(o, g.paths(), stop::await);
            int code = show(r, new ReportView(folded.value()));
            r.failedUpdates().forEach(f -> ToolCommand.reportMapUpdatesFailed(out(), err(), f));
            return code;
        } catch (ProgramException e) {
            throw new IllegalStateException("offcputime's script does not compile: " + e.getMessage(), e);
        } catch (ProbeRunException e) {
            return ToolCommand.refused(e, err(), io.boxscope.proc.Privileges.self());
        }
    }

    record ReportView(boolean folded) implements View<Offcputime.Report> {
        @Override
        public void text(Offcputime.Report r, Terminal t) {
            StackViews.print(t, r.stacks(), folded, false);
            StackViews.skipped(t, r.skipped());
            StackViews.kernelSymbolsMissing(t, r.kernelSymbolsMissing());
            StackViews.stacksUnread(t, r.stacksUnread(), StackViews.advice(r.options().stackStorageSize()));
        }

        @Override
        public Object json(Offcputime.Report r) {
            Map<String, Object> o = Json.object();
            o.put("duration_s", r.elapsed().toMillis() / 1000.0);
            o.put("total_us", r.totalUs());
            o.put("skipped_events", r.skipped());
            o.put("kernel_symbols_missing", StackViews.kernelSymbolsMissing(r.kernelSymbolsMissing()));
            o.put("stacks_unread", StackViews.stacksUnread(r.stacksUnread()));
            o.put("stacks", StackViews.json(r.stacks(), "off_cpu_us"));
            return o;
        }
    }
}
