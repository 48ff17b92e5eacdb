package io.boxscope.bench.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.bench.engine.Engine;
import io.boxscope.bench.engine.Interval;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.engine.RunResult;
import io.boxscope.bench.engine.Workload;
import io.boxscope.bench.env.Environment;
import io.boxscope.bench.stats.Summary;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupLimits.CpuThrottling;

/**
 * The workload run N times in this process (reset between runs), each with the CPU throttling of
 * this process's cgroup during it, then the per-metric summaries (mean, stddev, 95% CI). The command's
 * {@code --runs N} runs each repetition in a fresh process instead, each doing one run of this. A front
 * end follows along through a {@link Listener} (the command prints sysbench's text as it goes).
 */
public final class BenchSession {
    private BenchSession() {}

    /** What happens during the runs; every method does nothing by default. */
    public interface Listener {
        /** Run {@code index} (0-based) of {@code count} starts on {@code engine}. */
        default void starting(int index, int count, Engine engine) {}

        /** An interval report ({@code --report-interval}) of the current run. */
        default void interval(Interval interval) {}

        /** The current run's engine stopped (normally or not). */
        default void stopped(Engine engine) {}

        /** Run {@code index} finished. */
        default void finished(int index, BenchDocument.Run run) {}
    }

    /**
     * Every run's figures, as the document's {@code runs} entries ({@link BenchDocument#runObject}),
     * and what the text's "Summary of N runs" and the document's {@code summary} show. The runs are
     * kept in their document form because a run may have been measured by another process
     * ({@code --runs} starts a fresh JVM per run, which hands its run back in that form).
     */
    public record Result(String version, Workload workload, RunOptions options, Environment environment,
            List<Map<String, Object>> runs) {
        public Result {
            runs = List.copyOf(runs);
        }

        /** The document --json prints and --save writes. */
        public Map<String, Object> document() {
            return BenchDocument.build(version, workload, options, environment, runs);
        }

        /** Each metric's summary over the runs, in the order the metrics are listed. */
        public Map<String, Summary> summaries() {
            Map<String, List<Double>> by = new LinkedHashMap<>();
            for (Map<String, Object> r : runs) {
                BenchDocument.metrics(r).forEach((k, v) -> by.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            }
            Map<String, Summary> out = new LinkedHashMap<>();
            by.forEach((k, v) -> out.put(k, Summary.of(v)));
            return out;
        }
    }

    /** Runs {@code w} {@code count} times; {@code paths} locates this process's cgroup for throttling. */
    public static Result run(String version, Workload w, RunOptions o, Environment env, HostPaths paths, int count,
            Listener listener) throws IOException, InterruptedException {
        if (count < 1) {
            throw new IllegalArgumentException("the number of runs must be at least 1, got " + count);
        }
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CpuThrottling before = Environment.throttling(paths);
            Engine engine = new Engine(w, o, listener::interval);
            listener.starting(i, count, engine);
            RunResult r;
            try {
                r = engine.run();
            } finally {
                listener.stopped(engine);
            }
            if (i + 1 < count) {
                w.reset();
            }
            CpuThrottling t = Environment.delta(before, Environment.throttling(paths));
            BenchDocument.Run run = new BenchDocument.Run(r, t);
            runs.add(BenchDocument.runObject(w, run));
            listener.finished(i, run);
        }
        return new Result(version, w, o, env, runs);
    }
}
