package io.boxscope.cli.tools;

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
import io.boxscope.tools.softirqs.Softirqs;

/** libbpf-tools' softirqs: time (and events, -C) per soft interrupt vector, on the irq tracepoints. */
public final class SoftirqsCommand extends IntervalCommand<Softirqs.Report> {
    final Opt<Boolean> distributed = flag("-d", "--distributed").help("Show distributions as histograms.");
    final Opt<Boolean> timestamp = flag("-T", "--timestamp").help("Include timestamp on output.");
    final Opt<Boolean> nanoseconds = flag("-N", "--nanoseconds").help("Output in nanoseconds.");
    final Opt<Boolean> count = flag("-C", "--count").help("Show event counts with timing.");
    final Opt<List<String>> args = positionals(String.class).arity("0..2").label("interval [count]")
            .help("Print a summary every INTERVAL seconds, COUNT times (default: one at Ctrl-C).");

    public SoftirqsCommand() {
        super("softirqs", "Summarize soft irq event time as histograms (libbpf-tools softirqs,",
                "on the irq softirq_entry/exit raw tracepoints). System-wide: soft",
                "interrupts are not per container, so --container is refused. Needs root.");
        globals("--json", "--proc-root", "--sys-root", "--container");
        examples("  boxscope softirqs            sum soft irq event time",
                "  boxscope softirqs -d         show soft irq event time as histograms",
                "  boxscope softirqs -C 1 5     times and event counts, 1s summaries, 5 times",
                "  boxscope softirqs 1 10       print 1 second summaries, 10 times",
                "  boxscope softirqs -NT 1      1s summaries, nanoseconds, and timestamps",
                "  boxscope softirqs --json 1 5 one JSON object per second");
    }

    @Override
    protected ToolTarget target(GlobalOptions g) {
        return HardirqsCommand.systemWide(g, null);
    }

    @Override
    protected Schedule schedule() {
        return intervals(args.value(), null);
    }

    @Override
    protected IntervalRun<Softirqs.Report> run(GlobalOptions g, ToolTarget target) {
        if (count.value() && distributed.value()) {
            throw new UsageException("-C and -d cannot be used together (-d keeps no totals)");
        }
        return Softirqs.run(new Softirqs.Options(distributed.value(), count.value(), nanoseconds.value()), timestamp.value());
    }

    @Override
    protected String header(int probes) {
        return Softirqs.header();
    }

    @Override
    protected View<Softirqs.Report> view() {
        return VIEW;
    }

    /** JSON: {@code {time?, softirqs: [{vector, name, total_us, count} | {vector, name, buckets}]}}. */
    static final View<Softirqs.Report> VIEW = new View<>() {
        @Override
        public void text(Softirqs.Report r, Terminal t) {
            t.out().print(Text.safeLines(Softirqs.text(r)));
        }

        @Override
        public Object json(Softirqs.Report r) {
            Map<String, Object> o = Json.object();
            if (r.time() != null) {
                o.put("time", r.time());
            }
            List<Object> out = new ArrayList<>();
            for (Softirqs.Vector v : r.vectors()) {
                Map<String, Object> e = Json.object();
                e.put("vector", v.vector());
                e.put("name", v.name());
                if (r.options().distribution()) {
                    e.put("buckets", HistJson.buckets(v.hist(), r.options().unit()));
                } else {
                    e.put("total_" + HardirqsCommand.unitSuffix(r.options().unit()), v.time());
                    e.put("count", v.count());
                }
                out.add(e);
            }
            o.put("softirqs", out);
            return o;
        }
    };
}
