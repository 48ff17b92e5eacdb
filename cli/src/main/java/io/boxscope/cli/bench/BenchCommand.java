package io.boxscope.cli.bench;

import io.boxscope.cli.UsageException;
import picocli.CommandLine.Command;

/** {@code boxscope bench}: sysbench-compatible benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {CpuBench.class, MemoryBench.class, FileIoBench.class, ThreadsBench.class, MutexBench.class,
                CompareBench.class},
        description = {"sysbench-compatible benchmarks (cpu, memory, fileio, threads, mutex) with sysbench 1.0's",
                "options and output, the cgroup limits they ran under, CPU throttling, repeated runs with",
                "confidence intervals, saved baselines and comparisons."},
        footerHeading = "%nEXAMPLES%n",
        footer = {"  boxscope bench cpu --time=10                     like 'sysbench cpu --time=10 run'",
                "  boxscope bench memory --memory-block-size=1M",
                "  boxscope bench cpu --runs 5 --save base.json; boxscope bench compare base.json new.json",
                "  boxscope --container web bench cpu --time=5     inside container web's cgroups"})
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        throw new UsageException("a test is required: cpu, memory, fileio, threads, mutex or compare (try 'boxscope bench --help')");
    }
}
