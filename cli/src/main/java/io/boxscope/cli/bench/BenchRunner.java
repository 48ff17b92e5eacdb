package io.boxscope.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.bench.engine.Engine;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.engine.RunResult;
import io.boxscope.bench.engine.Workload;
import io.boxscope.bench.env.Environment;
import io.boxscope.bench.env.IoLimit;
import io.boxscope.bench.report.BenchDocument;
import io.boxscope.bench.report.Metrics;
import io.boxscope.bench.report.SysbenchText;
import io.boxscope.bench.stats.Summary;
import io.boxscope.cli.BoxscopeCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
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
        Environment env = Environment.capture(g.paths());
        if (!json) {
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
        List<BenchDocument.Run> runs = new ArrayList<>();
        for (int i = 0; i < c.runs.value(); i++) {
            if (!json && c.runs.value() > 1) {
                out.print("Run " + (i + 1) + " of " + c.runs.value() + ":\n");
            }
            CpuThrottling before = Environment.throttling(g.paths());
            Engine engine = new Engine(w, o, iv -> {
                if (!json) {
                    out.print(SysbenchText.interval(w, iv, o));
                    out.flush();
                }
            });
            Progress progress = Progress.startIfUseful(engine, o, json, err);
            RunResult r;
            try {
                r = engine.run();
            } finally {
                progress.stop();
            }
            if (i + 1 < c.runs.value()) {
                w.reset();
            }
            CpuThrottling t = Environment.delta(before, Environment.throttling(g.paths()));
            runs.add(new BenchDocument.Run(r, t));
            if (!json) {
                if (o.histogram()) {
                    out.print(SysbenchText.histogram(r.histogram()));
                }
                out.print(SysbenchText.body(w, r));
                out.print(throttling(env, t));
                out.flush();
            }
        }
        Map<String, Object> doc = BenchDocument.build(version(), w, o, env, runs);
        if (!json && c.runs.value() > 1) {
            out.print(summary(w, runs));
        }
        if (c.save.value() != null) {
            OutputFile.write(c.save.value(), Json.pretty(doc) + "\n");
            if (!json) {
                out.print("Saved to " + Text.safe(c.save.value().toString()) + "\n");
            }
        }
        if (json) {
            out.println(Json.pretty(doc));
        }
        out.flush();
        return ExitCode.OK;
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
                .append(" (").append(e.availableProcessors()).append(" of ").append(e.onlineCpus()).append(" CPUs usable)\n");
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

    static String summary(Workload w, List<BenchDocument.Run> runs) {
        Map<String, List<Double>> by = new LinkedHashMap<>();
        for (BenchDocument.Run r : runs) {
            Metrics.of(w, r.result()).forEach((k, v) -> by.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Summary of ").append(runs.size()).append(" runs (mean ± stddev, 95% confidence interval of the mean):\n");
        by.forEach((k, v) -> {
            if (Metrics.EXTENSIVE.contains(k)) {
                return;
            }
            Summary s = Summary.of(v);
            sb.append(String.format(Locale.ROOT, "    %-24s %12.2f ± %-10.2f [%.2f, %.2f]%n", k + ":", s.mean(), s.stddev(),
                    s.ciLow(), s.ciHigh()));
        });
        sb.append('\n');
        return sb.toString();
    }
}
