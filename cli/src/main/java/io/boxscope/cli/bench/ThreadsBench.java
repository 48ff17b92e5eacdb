package io.boxscope.cli.bench;

import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.bench.workload.ThreadsWorkload;

final class ThreadsBench extends CliCommand {
    final CommonOptions common = new CommonOptions(this);

    final Opt<Integer> yields = option(int.class, 1000, "--thread-yields").label("N")
            .help("Number of yields to do per event (default: ${DEFAULT-VALUE}).");

    final Opt<Integer> locks = option(int.class, 8, "--thread-locks").label("N")
            .help("Number of locks (default: ${DEFAULT-VALUE}).");

    final Opt<String> command = positional(String.class, null).arity("0..1").label("run")
            .help("sysbench's command word; only 'run' exists for this test.");

    ThreadsBench() {
        super("threads", "sysbench's threads test: scheduler performance, lock/yield/unlock loops on a few mutexes.");
        globals("--json", "--proc-root", "--sys-root", "--container");
        examples("  boxscope bench threads --threads=4 --time=5",
                "  boxscope bench threads --thread-yields=100 --thread-locks=2 --events=10000");
    }

    @Override
    public Integer call() throws Exception {
        SubcommandSupport.onlyRun("threads", command.value());
        return BenchRunner.run(spec(), common, o -> new ThreadsWorkload(yields.value(), locks.value()));
    }
}
