package io.boxscope.cli.bench;

import java.util.concurrent.Callable;
import io.boxscope.bench.workload.CpuWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cpu", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"sysbench's cpu test: each event finds the primes below --cpu-max-prime by trial division.",
                "Events per second are comparable with 'sysbench cpu run' (see docs/bench.md)."},
        footerHeading = "%nEXAMPLES%n",
        footer = {"  boxscope bench cpu                               10 s, one thread, primes below 10000",
                "  boxscope bench cpu --threads=2 --time=30        the sysbench option form works",
                "  boxscope bench cpu --runs 5 --save base.json    a baseline with a 95%% confidence interval",
                "  boxscope --container web bench cpu --time=5     the same inside container web's cgroups"})
final class CpuBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--cpu-max-prime", paramLabel = "N", description = "Upper limit for the primes generator (default: ${DEFAULT-VALUE}).")
    long maxPrime = 10000;

    @Parameters(arity = "0..1", paramLabel = "run", description = "sysbench's command word; only 'run' exists for this test.")
    String command;

    @Override
    public Integer call() throws Exception {
        SubcommandSupport.onlyRun("cpu", command);
        return BenchRunner.run(spec, common, o -> new CpuWorkload(maxPrime));
    }
}
