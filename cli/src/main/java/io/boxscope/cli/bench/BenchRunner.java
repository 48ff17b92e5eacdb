package io.boxscope.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import io.boxscope.bench.engine.Engine;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.engine.Interval;
import io.boxscope.bench.engine.Workload;
import io.boxscope.bench.env.Environment;
import io.boxscope.bench.env.IoLimit;
import io.boxscope.bench.report.BenchDocument;
import io.boxscope.bench.report.BenchSession;
import io.boxscope.bench.report.Metrics;
import io.boxscope.bench.report.SysbenchText;
import io.boxscope.cli.BoxscopeCommand;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.OutputFile;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.cli.VersionProvider;
import io.boxscope.proc.cgroup.CgroupLimits.CpuThrottling;
import io.boxscope.proc.json.Json;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs one benchmark for a subcommand: container delegation, validation, the cgroup limits shown
 * before the run, warm-up, the measured run(s) with interval reports and a progress line, the
 * throttling seen during each run, summaries, --save and --json.
 */
final class BenchRunner {
    private BenchRunner() {}

    /** Creates the workload; IllegalArgumentException means a bad option. */
    interface Factory {
        Workload create(RunOptions o) throws IOException;
    }

    static int run(CommandSpec spec, CommonOptions c, Factory factory) throws IOException, InterruptedException {
        GlobalOptions g = BoxscopeCommand.global(spec);
        if (g.container() != null) {
            return ContainerRun.delegate(spec, g);
        }
        if (c.joinCgroupsOf.value() != null) {
            ContainerRun.join(c.joinCgroupsOf.value(), g.paths());
        }
        if (c.runs.value() < 1) {
            throw new UsageException("--runs must be at least 1, got " + c.runs.value());
        }
        RunOptions o;
        try {
            o = c.toRunOptions();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Workload w;
        try {
            w = factory.create(o);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try (w) {
            if (!w.selfLimited() && o.timeSeconds() == 0 && o.events() == 0) {
                throw new UsageException("--time=0 and --events=0: nothing would end the run; set --time or --events");
            }
            return measure(spec, g, c, o, w);
        }
    }

    static String version() {
        try {
            String v = new VersionProvider().getVersion()[0];
            String[] f = v.split(" ");
            return f.length > 1 ? f[1] : v;
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static int measure(CommandSpec spec, GlobalOptions g, CommonOptions c, RunOptions o, Workload w)
            throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean json = g.json();
        boolean child = c.runTo.value() != null;
        Environment env = Environment.capture(g.paths());
        if (!json && !child) {
            out.print("boxscope " + version() + " (sysbench 1.0.20 compatible)\n\n");
            out.print(limits(env));
            if (o.warmupSeconds() > 0) {
                out.print(String.format(Locale.ROOT, "Warm-up: %s s before each run, figures discarded\n",
                        trim(o.warmupSeconds())));
            }
            out.print("\n");
            out.print(SysbenchText.header(w, o));
            out.flush();
        }
        int count = c.runs.value();
        if (count > 1 && !child) {
            BenchSession.Result result = FreshRuns.run(spec.root().commandLine().getParseResult().originalArgs(), version(),
                    w, o, env, count, json, out, err);
            return report(spec, c, result);
        }
        BenchSession.Result result = BenchSession.run(version(), w, o, env, g.paths(), count, new BenchSession.Listener() {
            private Progress progress;

            @Override
            public void starting(int index, int of, Engine engine) {
                if (!json && of > 1) {
                    out.print("Run " + (index + 1) + " of " + of + ":\n");
                }
                progress = Progress.startIfUseful(engine, o, json, err);
            }

            @Override
            public void interval(Interval iv) {
                if (!json) {
                    out.print(SysbenchText.interval(w, iv, o));
                    out.flush();
                }
            }

            @Override
            public void stopped(Engine engine) {
                progress.stop();
            }

            @Override
            public void finished(int index, BenchDocument.Run run) {
                if (!json) {
                    if (o.histogram()) {
                        out.print(SysbenchText.histogram(run.result().histogram()));
                    }
                    out.print(SysbenchText.body(w, run.result()));
                    out.print(throttling(env, run.throttling()));
                    out.flush();
                }
            }
        });
        if (child) {
            OutputFile.write(c.runTo.value(), Json.pretty(result.runs().get(0)) + "\n");
            return ExitCode.OK;
        }
        return report(spec, c, result);
    }

    private static int report(CommandSpec spec, CommonOptions c, BenchSession.Result result) throws IOException {
        if (c.save.value() != null) {
            OutputFile.write(c.save.value(), Json.pretty(result.document()) + "\n");
        }
        return ((CliCommand) spec.userObject()).show(result, new View(c.save.value()));
    }

    /**
     * After the runs (whose sysbench text was printed as they went): the summary of several runs and
     * where the result was saved; JSON: the whole document, as --save writes it.
     */
    record View(Path saved) implements io.boxscope.cli.View<BenchSession.Result> {
        @Override
        public void text(BenchSession.Result r, Terminal t) {
            if (r.runs().size() > 1) {
                t.out().print(summary(r));
            }
            if (saved != null) {
                t.out().print("Saved to " + Text.safe(saved.toString()) + "\n");
            }
        }

        @Override
        public Object json(BenchSession.Result r) {
            return r.document();
        }
    }

    static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** The cgroup limits this benchmark runs under, shown before it starts. */
    static String limits(Environment e) {
        StringBuilder sb = new StringBuilder();
        sb.append("Cgroup limits (cgroup ").append(Text.safe(e.cgroupPath())).append("):\n");
        if (e.cpuQuota().isPresent()) {
            double q = e.cpuQuota().getAsDouble();
            sb.append(String.format(Locale.ROOT, "    CPU:     %s CPUs (quota %d us per %d us period)%n", Text.cpus(q),
                    Math.round(q * e.cpuPeriodUs()), e.cpuPeriodUs()));
        } else {
            sb.append("    CPU:     no quota\n");
        }
        sb.append("    cpuset:  ").append(e.cpuset().isEmpty() ? "all" : Text.safe(e.cpuset()))
                .append(" (").append(cpusInSet(e)).append(" of ").append(e.onlineCpus()).append(" CPUs usable)\n");
        sb.append("    memory:  ").append(e.memoryLimit().isPresent() ? Text.bytes(e.memoryLimit().getAsLong()) : "no limit").append('\n');
        if (e.ioLimits().isEmpty()) {
            sb.append("    I/O:     no limits\n");
        } else {
            for (IoLimit l : e.ioLimits()) {
                sb.append("    I/O:     ").append(Text.safe(l.describe())).append('\n');
            }
        }
        for (String p : e.problems()) {
            sb.append("    (could not read: ").append(Text.safe(p)).append(")\n");
        }
        return sb.toString();
    }

    /**
     * How many CPUs the cpuset lets the benchmark run on: the CPUs of its cpulist, all online CPUs when there is none.
     * Not the JVM's available processors: under {@code --container} the JVM is started with
     * {@code -XX:ActiveProcessorCount} rounded from the CPU quota (1 for 0.5 CPUs), which the quota line already shows,
     * and "0-1 (1 of 2 CPUs usable)" read as a cpuset of one CPU. A cpulist that does not parse shows the JVM's count.
     */
    static int cpusInSet(Environment e) {
        if (e.cpuset().isEmpty()) {
            return e.onlineCpus();
        }
        try {
            return io.boxscope.proc.SystemCpu.cpuList(e.cpuset()).cardinality();
        } catch (io.boxscope.proc.ProcParseException ex) {
            return e.availableProcessors();
        }
    }

    /** "CPU-limited: throttled in 48% of periods, 2.4 s in total", after each run. */
    static String throttling(Environment e, CpuThrottling t) {
        if (t.throttledPeriods() > 0) {
            return String.format(Locale.ROOT, "CPU-limited: throttled in %.0f%% of periods, %.1f s in total (%d of %d periods)%n",
                    t.throttledShare() * 100, t.throttledNanos() / 1e9, t.throttledPeriods(), t.periods());
        }
        if (e.cpuQuota().isPresent()) {
            return "CPU quota not reached: throttled in 0 of " + t.periods() + " periods\n";
        }
        return "CPU throttling: none (no CPU quota)\n";
    }

    static String summary(BenchSession.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Summary of ").append(r.runs().size()).append(" runs (mean ± stddev, 95% confidence interval of the mean):\n");
        r.summaries().forEach((k, s) -> {
            if (Metrics.EXTENSIVE.contains(k)) {
                return;
            }
            sb.append(String.format(Locale.ROOT, "    %-24s %12.2f ± %-10.2f [%.2f, %.2f]%n", k + ":", s.mean(), s.stddev(),
                    s.ciLow(), s.ciHigh()));
        });
        sb.append('\n');
        return sb.toString();
    }
}
