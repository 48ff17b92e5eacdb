package io.boxscope.cli.bench;

import io.boxscope.cli.CliCommand;
import io.boxscope.cli.UsageException;

/** {@code boxscope bench}: sysbench-compatible benchmarks. */
public final class BenchCommand extends CliCommand {
    public BenchCommand() {
        super("bench", "sysbench-compatible benchmarks (cpu, memory, fileio, threads, mutex) with sysbench 1.0's",
                "options and output, the cgroup limits they ran under, CPU throttling, repeated runs with",
                "confidence intervals, saved baselines and comparisons.");
        subcommands(CpuBench::new, MemoryBench::new, FileIoBench::new, ThreadsBench::new, MutexBench::new, CompareBench::new);
        examples("  boxscope bench cpu --time=10                     like 'sysbench cpu --time=10 run'",
                "  boxscope bench memory --memory-block-size=1M",
                "  boxscope bench cpu --runs 5 --save base.json; boxscope bench compare base.json new.json",
                "  boxscope --container web bench cpu --time=5     inside container web's cgroups");
    }

    @Override
    public Integer call() {
        throw new UsageException("a test is required: cpu, memory, fileio, threads, mutex or compare (try 'boxscope bench --help')");
    }
}
