package io.boxscope.cli.tools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.cli.View;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.hist.IntervalRun;
import io.boxscope.tools.runqlen.Runqlen;

/** libbpf-tools' runqlen: run queue length sampled with the perf cpu-clock, as a linear histogram. */
public final class RunqlenCommand extends IntervalCommand<Runqlen.Report> {
    final Opt<Boolean> cpus = flag("-C", "--cpus").help("Print output for each CPU separately.");
    final Opt<Integer> frequency = option(Integer.class, 99, "-f", "--frequency").label("FREQUENCY")
            .help("Sample with a certain frequency (Hz, default 99).");
    final Opt<Boolean> runqocc = flag("-O", "--runqocc").help("Report run queue occupancy.");
    final Opt<Boolean> timestamp = flag("-T", "--timestamp").help("Include timestamp on output.");
    final Opt<Boolean> host = flag("-H", "--host").help("Report nr_running from host's rq (every scheduling class)"
            + " instead of the running task's CFS run queue.");
    final Opt<List<String>> args = positionals(String.class).arity("0..2").label("interval [count]")
            .help("Print a summary every INTERVAL seconds, COUNT times (default: one at Ctrl-C).");

    public RunqlenCommand() {
        super("runqlen", "Summarize scheduler run queue length as a histogram (libbpf-tools",
                "runqlen, sampled with the perf cpu-clock). Run queues are per CPU, not per",
                "container: with --container only samples taken while one of the",
                "container's tasks is on a CPU count. Needs root.");
        globals("--json", "--proc-root", "--sys-root", "--container");
        examples("  boxscope runqlen             summarize run queue length as a histogram",
                "  boxscope runqlen 1 10        print 1 second summaries, 10 times",
                "  boxscope runqlen -T 1        1s summaries and timestamps",
                "  boxscope runqlen -O          report run queue occupancy",
                "  boxscope runqlen -C          show each CPU separately",
                "  boxscope runqlen -H          show nr_running from host's rq instead of cfs_rq",
                "  boxscope runqlen -f 199      sample at 199HZ",
                "  boxscope runqlen --json 1 5  one JSON object per second");
    }

    @Override
    protected ToolTarget target(GlobalOptions g) throws IOException {
        return cgroupTarget(g, null);
    }

    @Override
    protected Schedule schedule() {
        return intervals(args.value(), null);
    }

    @Override
    protected IntervalRun<Runqlen.Report> run(GlobalOptions g, ToolTarget target) throws IOException {
        if (frequency.value() <= 0) {
            throw new UsageException("Invalid freq (in hz): " + frequency.value());
        }
        Runqlen.Options o = new Runqlen.Options(cpus.value(), runqocc.value(), host.value(), frequency.value());
        return Runqlen.run(o, g.paths().sysRoot(), timestamp.value());
    }

    @Override
    protected String header(int probes) {
        return Runqlen.header();
    }

    @Override
    protected View<Runqlen.Report> view() {
        return VIEW;
    }

    /**
     * JSON: {@code {time?, cpus: [{cpu?, samples, occupancy_percent, runqlen: [{length, count}]}]}}
     * (one element without -C; {@code cpu} with -C), whatever -O: both figures are always there.
     */
    static final View<Runqlen.Report> VIEW = new View<>() {
        @Override
        public void text(Runqlen.Report r, Terminal t) {
            t.out().print(Text.safeLines(Runqlen.text(r)));
        }

        @Override
        public Object json(Runqlen.Report r) {
            Map<String, Object> o = Json.object();
            if (r.time() != null) {
                o.put("time", r.time());
            }
            List<Object> out = new ArrayList<>();
            List<long[]> all = r.slots();
            for (int i = 0; i < all.size(); i++) {
                long[] s = all.get(i);
                Map<String, Object> c = Json.object();
                if (r.options().perCpu()) {
                    c.put("cpu", i);
                }
                long samples = 0;
                List<Object> lens = new ArrayList<>();
                for (int len = 0; len < s.length; len++) {
                    samples += s[len];
                    if (s[len] > 0) {
                        Map<String, Object> b = Json.object();
                        b.put("length", len);
                        b.put("count", s[len]);
                        lens.add(b);
                    }
                }
                c.put("samples", samples);
                c.put("occupancy_percent", Runqlen.occupancy(s) * 100);
                c.put("runqlen", lens);
                out.add(c);
            }
            o.put("cpus", out);
            return o;
        }
    };
}
