package io.boxscope.cli.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.PidConverter;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.cli.View;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.hist.IntervalRun;
import io.boxscope.tools.runqlat.Runqlat;

/** libbpf-tools' runqlat: run queue (scheduler) latency histograms, on the sched tracepoints. */
public final class RunqlatCommand extends IntervalCommand<Runqlat.Report> {
    final Opt<Boolean> timestamp = flag("-T", "--timestamp").help("Include timestamp on output.");
    final Opt<Boolean> milliseconds = flag("-m", "--milliseconds").help("Millisecond histogram.");
    final Opt<Boolean> pids = flag("-P", "--pids").help("Print a histogram per process ID.");
    final Opt<Boolean> tids = flag("-L", "--tids").help("Print a histogram per thread ID.");
    final Opt<Integer> pid = option(Integer.class, null, "-p").label("PID").converter(new PidConverter())
            .help("Trace this PID only.");
    final Opt<Path> cgroup = option(Path.class, null, "-c", "--cgroup").label("CG")
            .help("Trace processes in this cgroup v2 directory.");
    final Opt<List<String>> args = positionals(String.class).arity("0..2").label("interval [count]")
            .help("Print a summary every INTERVAL seconds, COUNT times (default: one at Ctrl-C).");

    public RunqlatCommand() {
        super("runqlat", "Summarize run queue (scheduler) latency as a histogram (libbpf-tools runqlat,",
                "on the sched tracepoints). Needs root.");
        globals("--json", "--proc-root", "--sys-root", "--container", "--pid");
        examples("  boxscope runqlat                 summarize run queue latency as a histogram",
                "  boxscope runqlat 1 10            print 1 second summaries, 10 times",
                "  boxscope runqlat -mT 1           1s summaries, milliseconds, and timestamps",
                "  boxscope runqlat -P              show each PID separately",
                "  boxscope runqlat -p 185          trace PID 185 only",
                "  boxscope runqlat --container web a container's tasks only",
                "  boxscope runqlat --json 1 5      one JSON object per second");
    }

    @Override
    protected ToolTarget target(GlobalOptions g) throws IOException {
        return pidAndCgroup(g, pid.value(), cgroup.value());
    }

    /** -P (per process) or -L (per thread), never both, or one histogram for all (runqlat, cpudist). */
    static Runqlat.Group group(boolean pids, boolean tids) {
        if (pids && tids) {
            throw new UsageException("-P and -L are exclusive: give one");
        }
        return pids ? Runqlat.Group.PROCESS : tids ? Runqlat.Group.THREAD : Runqlat.Group.ALL;
    }

    /** -p PID (which must agree with --pid) and --container or -c CG, resolved (runqlat, cpudist). */
    static ToolTarget pidAndCgroup(GlobalOptions g, Integer p, Path cgroup) throws IOException {
        if (p != null && g.pid() != null && !p.equals(g.pid())) {
            throw new UsageException("-p " + p + " and --pid " + g.pid() + " disagree: give one");
        }
        Integer target = p != null ? p : g.pid();
        ToolTarget t = cgroupTarget(g, cgroup);
        if (target == null) {
            return t;
        }
        try {
            ToolTarget withPid = ToolTarget.resolve(g.paths(), target, null);
            return new ToolTarget(withPid.pid(), t.cgroupDir(), t.containerName());
        } catch (IllegalArgumentException e) {
            throw new UsageException(Text.safe(e.getMessage()));
        }
    }

    @Override
    protected Schedule schedule() {
        return intervals(args.value(), null);
    }

    @Override
    protected IntervalRun<Runqlat.Report> run(GlobalOptions g, ToolTarget target) {
        Runqlat.Group group = group(pids.value(), tids.value());
        return Runqlat.run(new Runqlat.Options(milliseconds.value(), target.pid(), group), timestamp.value());
    }

    @Override
    protected String header(int probes) {
        return Runqlat.header();
    }

    @Override
    protected View<Runqlat.Report> view() {
        return VIEW;
    }

    static final View<Runqlat.Report> VIEW = new View<>() {
        @Override
        public void text(Runqlat.Report r, Terminal t) {
            t.processText(escape -> Runqlat.text(r, escape)); // runqlat.c -P: "pid = %d %s" of the comm
        }

        @Override
        public Object json(Runqlat.Report r) {
            List<Object> hists = new ArrayList<>();
            for (Runqlat.TaskHist h : r.hists()) {
                Map<String, Object> o = Json.object();
                switch (r.group()) {
                    case PROCESS -> o.put("pid", h.id());
                    case THREAD -> o.put("tid", h.id());
                    case ALL -> { }
                }
                if (h.comm() != null) {
                    o.put("comm", h.comm());
                }
                o.put("buckets", HistJson.buckets(h.hist(), r.unit()));
                hists.add(o);
            }
            return HistJson.document(r.time(), hists);
        }
    };
}
