package io.boxscope.cli.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.PidConverter;
import io.boxscope.cli.View;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.cpudist.Cpudist;
import io.boxscope.tools.hist.IntervalRun;
import io.boxscope.tools.runqlat.Runqlat;

/** libbpf-tools' cpudist: on-CPU (or -O off-CPU) time histograms, on sched_switch; runqlat's layout. */
public final class CpudistCommand extends IntervalCommand<Runqlat.Report> {
    final Opt<Boolean> timestamp = flag("-T", "--timestamp").help("Include timestamp on output.");
    final Opt<Boolean> milliseconds = flag("-m", "--milliseconds").help("Millisecond histogram.");
    final Opt<Boolean> offcpu = flag("-O", "--offcpu").help("Measure off-CPU time.");
    final Opt<Boolean> pids = flag("-P", "--pids").help("Print a histogram per process ID.");
    final Opt<Boolean> tids = flag("-L", "--tids").help("Print a histogram per thread ID.");
    final Opt<Integer> pid = option(Integer.class, null, "-p").label("PID").converter(new PidConverter())
            .help("Trace this PID only.");
    final Opt<Path> cgroup = option(Path.class, null, "-c", "--cgroup").label("CG")
            .help("Trace processes in this cgroup v2 directory.");
    final Opt<List<String>> args = positionals(String.class).arity("0..2").label("interval [count]")
            .help("Print a summary every INTERVAL seconds, COUNT times (default: one at Ctrl-C).");

    public CpudistCommand() {
        super("cpudist", "Summarize on-CPU time per task as a histogram (libbpf-tools cpudist, on",
                "sched_switch). Needs root.");
        globals("--json", "--proc-root", "--sys-root", "--container", "--pid");
        examples("  boxscope cpudist              summarize on-CPU time as a histogram",
                "  boxscope cpudist -O           summarize off-CPU time as a histogram",
                "  boxscope cpudist 1 10         print 1 second summaries, 10 times",
                "  boxscope cpudist -mT 1        1s summaries, milliseconds, and timestamps",
                "  boxscope cpudist -P           show each PID separately",
                "  boxscope cpudist -p 185       trace PID 185 only");
    }

    @Override
    protected ToolTarget target(GlobalOptions g) throws IOException {
        return RunqlatCommand.pidAndCgroup(g, pid.value(), cgroup.value());
    }

    @Override
    protected Schedule schedule() {
        return intervals(args.value(), null);
    }

    @Override
    protected IntervalRun<Runqlat.Report> run(GlobalOptions g, ToolTarget target) {
        Runqlat.Group group = RunqlatCommand.group(pids.value(), tids.value());
        return Cpudist.run(new Cpudist.Options(milliseconds.value(), target.pid(), group, offcpu.value()), timestamp.value());
    }

    @Override
    protected String header(int probes) {
        return Cpudist.header(offcpu.value());
    }

    @Override
    protected View<Runqlat.Report> view() {
        return RunqlatCommand.VIEW;
    }
}
