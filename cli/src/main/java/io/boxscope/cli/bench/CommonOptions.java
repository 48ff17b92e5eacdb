package io.boxscope.cli.bench;

import java.nio.file.Path;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.bench.engine.RunOptions;

/** sysbench's general options, plus Boxscope's --warmup-time, --runs and --save, declared on each test's command. */
final class CommonOptions {
    final Opt<Integer> threads;
    final Opt<Double> time;
    final Opt<Long> events;
    final Opt<Double> rate;
    final Opt<Double> reportInterval;
    final Opt<Integer> percentile;
    final Opt<Boolean> histogram;
    final Opt<Double> warmup;
    final Opt<Integer> runs;
    final Opt<Path> save;
    /** Internal: the child process of --container joins this PID's cgroups before running. */
    final Opt<Integer> joinCgroupsOf;
    /** Internal: a child of --runs does one run and writes it, as a document's run entry, to this file. */
    final Opt<Path> runTo;

    CommonOptions(CliCommand c) {
        threads = c.option(int.class, 1, "--threads", "--num-threads").label("N")
                .help("Number of threads to use (default: ${DEFAULT-VALUE}).");
        time = c.option(double.class, 10.0, "--time", "--max-time").label("SECONDS")
                .help("Limit for total execution time in seconds; 0 for none (default: ${DEFAULT-VALUE}).");
        events = c.option(long.class, 0L, "--events", "--max-requests").label("N")
                .help("Limit for total number of events; 0 for none (default: ${DEFAULT-VALUE}).");
        rate = c.option(double.class, 0.0, "--rate", "--tx-rate").label("N")
                .help("Average events per second; 0 for unlimited (default: ${DEFAULT-VALUE}).");
        reportInterval = c.option(double.class, 0.0, "--report-interval").label("SECONDS")
                .help("Print intermediate results every SECONDS; 0 disables (default: ${DEFAULT-VALUE}).");
        percentile = c.option(int.class, 95, "--percentile").label("N")
                .help("Latency percentile to report (1-100); 0 disables (default: ${DEFAULT-VALUE}).");
        histogram = c.flag("--histogram").arity("0..1").fallback("on").label("on|off").converter(new Converters.OnOff())
                .help("Print the latency histogram (default: off).");
        warmup = c.option(double.class, 0.0, "--warmup-time").label("SECONDS")
                .help("Run the workload this long first and discard the figures (JIT warm-up; default: ${DEFAULT-VALUE}).");
        runs = c.option(int.class, 1, "--runs").label("N")
                .help("Repeat the run N times, each in a fresh JVM, and report mean, stddev and 95%% CI (default: ${DEFAULT-VALUE}).");
        save = c.<Path>option(Path.class, null, "--save").label("FILE.json")
                .help("Save the result with its environment, for 'boxscope bench compare'.");
        joinCgroupsOf = c.<Integer>option(Integer.class, null, "--join-cgroups-of").label("PID").hidden();
        runTo = c.<Path>option(Path.class, null, "--run-to").label("FILE").hidden();
    }

    RunOptions toRunOptions() {
        return new RunOptions(threads.value(), time.value(), events.value(), rate.value(), reportInterval.value(),
                percentile.value(), histogram.value(), warmup.value());
    }
}
