package io.boxscope.cli.tools;

import java.nio.file.Path;
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
import io.boxscope.tools.hardirqs.Hardirqs;
import io.boxscope.tools.hist.IntervalRun;

/** libbpf-tools' hardirqs (0.26): time (or events, -C) per hard interrupt handler, on the irq raw tracepoints. */
public final class HardirqsCommand extends IntervalCommand<Hardirqs.Report> {
    /** Why --container and -c are refused (hardirqs and softirqs). */
    static final String NOT_PER_CONTAINER = "interrupts are not per container: a handler runs on whatever task the interrupt"
            + " lands on, so filtering on that task's cgroup says nothing about whom the interrupt was for; run without it";

    final Opt<Boolean> count = flag("-C", "--count").help("Show event counts instead of timing.");
    final Opt<Boolean> distributed = flag("-d", "--distributed").help("Show distributions as histograms.");
    final Opt<Boolean> nanoseconds = flag("-N", "--nanoseconds").help("Output in nanoseconds.");
    final Opt<Boolean> timestamp = flag("-T", "--timestamp").help("Include timestamp on output.");
    final Opt<Path> cgroup = option(Path.class, null, "-c", "--cgroup").label("CG")
            .help("Refused: interrupts are not per container or cgroup (libbpf-tools filters on the interrupted task).");
    final Opt<List<String>> args = positionals(String.class).arity("0..2").label("interval [count]")
            .help("Print a summary every INTERVAL seconds, COUNT times (default: one at Ctrl-C).");

    public HardirqsCommand() {
        super("hardirqs", "Summarize hard irq event time as histograms (libbpf-tools hardirqs,",
                "on the irq raw tracepoints). System-wide: interrupts are not per",
                "container, so --container is refused. Needs root.");
        globals("--json", "--proc-root", "--sys-root", "--container");
        examples("  boxscope hardirqs            sum hard irq event time",
                "  boxscope hardirqs -d         show hard irq event time as histograms",
                "  boxscope hardirqs -C 1 5     count hard irq events, 1s summaries, 5 times",
                "  boxscope hardirqs 1 10       print 1 second summaries, 10 times",
                "  boxscope hardirqs -NT 1      1s summaries, nanoseconds, and timestamps",
                "  boxscope hardirqs --json 1 5 one JSON object per second");
    }

    @Override
    protected ToolTarget target(GlobalOptions g) {
        return systemWide(g, cgroup.value());
    }

    /** Interrupt tools trace the whole system: --container and -c are usage errors that say why. */
    static ToolTarget systemWide(GlobalOptions g, Path cgroup) {
        if (g.container() != null) {
            throw new UsageException("--container: " + NOT_PER_CONTAINER);
        }
        if (cgroup != null) {
            throw new UsageException("-c/--cgroup: " + NOT_PER_CONTAINER);
        }
        return ToolTarget.ALL;
    }

    @Override
    protected Schedule schedule() {
        return intervals(args.value(), null);
    }

    @Override
    protected IntervalRun<Hardirqs.Report> run(GlobalOptions g, ToolTarget target) {
        if (count.value() && distributed.value()) {
            throw new UsageException("-C and -d cannot be used together (count, distributed)");
        }
        Hardirqs.Mode mode = count.value() ? Hardirqs.Mode.COUNT : distributed.value() ? Hardirqs.Mode.DISTRIBUTION : Hardirqs.Mode.TIME;
        return Hardirqs.run(new Hardirqs.Options(mode, nanoseconds.value()), timestamp.value(), g.paths());
    }

    @Override
    protected String header(int probes) {
        return Hardirqs.header(count.value() ? Hardirqs.Mode.COUNT : Hardirqs.Mode.TIME);
    }

    @Override
    protected View<Hardirqs.Report> view() {
        return VIEW;
    }

    /**
     * JSON: {@code {time?, irqs: [{name, total_us | count | buckets}], handler_entries, handler_exits,
     * unmatched_exits, unattributed_runs, unseen_runs, unseen: [{name, unseen_runs}], handlers_not_checked, handlers_in_flight,
     * interrupts_error?}} ({@code unseen_runs} null when /proc/interrupts could not be read); text: libbpf-tools'
     * table, and on standard error the runs the kernel counted or the programs saw that are not in it
     * ({@link Hardirqs#missedMessage}).
     */
    static final View<Hardirqs.Report> VIEW = new View<>() {
        @Override
        public void text(Hardirqs.Report r, Terminal t) {
            t.out().print(Text.safeLines(Hardirqs.text(r)));
            String missed = Hardirqs.missedMessage(r);
            if (!missed.isEmpty()) {
                t.out().flush();
                t.err().print(Text.safeLines(missed));
                t.err().flush();
            }
        }

        @Override
        public Object json(Hardirqs.Report r) {
            Map<String, Object> o = Json.object();
            if (r.time() != null) {
                o.put("time", r.time());
            }
            List<Object> irqs = new ArrayList<>();
            for (Hardirqs.Irq i : r.irqs()) {
                Map<String, Object> e = Json.object();
                e.put("name", i.name());
                switch (r.mode()) {
                    case TIME -> e.put("total_" + unitSuffix(r.unit()), i.value());
                    case COUNT -> e.put("count", i.value());
                    case DISTRIBUTION -> e.put("buckets", HistJson.buckets(i.hist(), r.unit()));
                }
                irqs.add(e);
            }
            o.put("irqs", irqs);
            // runs the programs saw that are not in the figures above (docs/tools.md, hardirqs)
            o.put("handler_entries", r.entries());
            o.put("handler_exits", r.exits());
            o.put("unmatched_exits", r.unmatched());
            o.put("unattributed_runs", r.unattributed());
            // runs /proc/interrupts counted that the programs did not see (a lower bound; docs/tools.md, hardirqs)
            switch (r.kernel()) {
                case Hardirqs.KernelCheck.Checked c -> {
                    o.put("unseen_runs", c.total());
                    List<Object> unseen = new ArrayList<>();
                    for (Hardirqs.Unseen u : c.unseen()) {
                        Map<String, Object> e = Json.object();
                        e.put("name", u.name());
                        e.put("unseen_runs", u.runs());
                        unseen.add(e);
                    }
                    o.put("unseen", unseen);
                    o.put("handlers_not_checked", c.notChecked());
                    o.put("handlers_in_flight", c.inFlight());
                }
                case Hardirqs.KernelCheck.Unreadable u -> {
                    o.put("unseen_runs", null);
                    o.put("unseen", List.of());
                    o.put("handlers_not_checked", null);
                    o.put("handlers_in_flight", null);
                    o.put("interrupts_error", u.reason());
                }
            }
            return o;
        }
    };

    /** {@code us} or {@code ns}, docs/json.md's unit suffixes. */
    static String unitSuffix(String unit) {
        return switch (unit) {
            case "usecs" -> "us";
            case "nsecs" -> "ns";
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }
}
