package io.boxscope.cli.bench;

import java.nio.file.Path;
import io.boxscope.bench.engine.RunOptions;
import picocli.CommandLine.Option;

/** sysbench's general options, plus Boxscope's --warmup-time, --runs and --save. */
final class CommonOptions {
    @Option(names = {"--threads", "--num-threads"}, paramLabel = "N", description = "Number of threads to use (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = {"--time", "--max-time"}, paramLabel = "SECONDS",
            description = "Limit for total execution time in seconds; 0 for none (default: ${DEFAULT-VALUE}).")
    double time = 10;

    @Option(names = {"--events", "--max-requests"}, paramLabel = "N", description = "Limit for total number of events; 0 for none (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = {"--rate", "--tx-rate"}, paramLabel = "N", description = "Average events per second; 0 for unlimited (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--report-interval", paramLabel = "SECONDS", description = "Print intermediate results every SECONDS; 0 disables (default: ${DEFAULT-VALUE}).")
    double reportInterval;

    @Option(names = "--percentile", paramLabel = "N", description = "Latency percentile to report (1-100); 0 disables (default: ${DEFAULT-VALUE}).")
    int percentile = 95;

    @Option(names = "--histogram", arity = "0..1", fallbackValue = "on", paramLabel = "on|off",
            converter = Converters.OnOff.class, description = "Print the latency histogram (default: off).")
    boolean histogram;

    @Option(names = "--warmup-time", paramLabel = "SECONDS",
            description = "Run the workload this long first and discard the figures (JIT warm-up; default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--runs", paramLabel = "N", description = "Repeat the run N times and report mean, stddev and 95%% CI (default: ${DEFAULT-VALUE}).")
    int runs = 1;

    @Option(names = "--save", paramLabel = "FILE.json", description = "Save the result with its environment, for 'boxscope bench compare'.")
    Path save;

    /** Internal: the child process of --container joins this PID's cgroups before running. */
    @Option(names = "--join-cgroups-of", hidden = true, paramLabel = "PID")
    Integer joinCgroupsOf;

    RunOptions toRunOptions() {
        return new RunOptions(threads, time, events, rate, reportInterval, percentile, histogram, warmup);
    }
}
