package io.boxscope.cli.bench;

import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.bench.workload.CpuWorkload;

final class CpuBench extends CliCommand {
    final CommonOptions common = new CommonOptions(this);

    final Opt<Long> maxPrime = option(long.class, 10000L, "--cpu-max-prime").label("N")
            .help("Upper limit for the primes generator (default: ${DEFAULT-VALUE}).");

    final Opt<String> command = positional(String.class, null).arity("0..1").label("run")
            .help("sysbench's command word; only 'run' exists for this test.");

    CpuBench() {
        super("cpu", "sysbench's cpu test: each event finds the primes below --cpu-max-prime by trial division.",
                "Events per second are comparable with 'sysbench cpu run' (see docs/bench.md).");
        globals("--json", "--proc-root", "--sys-root", "--container");
        examples("  boxscope bench cpu                               10 s, one thread, primes below 10000",
                "  boxscope bench cpu --threads=2 --time=30        the sysbench option form works",
                "  boxscope bench cpu --runs 5 --save base.json    a baseline with a 95%% confidence interval",
                "  boxscope --container web bench cpu --time=5     the same inside container web's cgroups");
    }

    @Override
    public Integer call() throws Exception {
        SubcommandSupport.onlyRun("cpu", command.value());
        return BenchRunner.run(spec(), common, o -> new CpuWorkload(maxPrime.value()));
    }
}
