package io.boxscope.cli.bench;

import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.bench.workload.MutexWorkload;

final class MutexBench extends CliCommand {
    final CommonOptions common = new CommonOptions(this);

    final Opt<Integer> num = option(int.class, 4096, "--mutex-num").label("N")
            .help("Total size of mutex array (default: ${DEFAULT-VALUE}).");

    final Opt<Integer> locks = option(int.class, 50000, "--mutex-locks").label("N")
            .help("Number of mutex locks to do per thread (default: ${DEFAULT-VALUE}).");

    final Opt<Integer> loops = option(int.class, 10000, "--mutex-loops").label("N")
            .help("Number of empty loops to do outside mutex lock (default: ${DEFAULT-VALUE}).");

    final Opt<String> command = positional(String.class, null).arity("0..1").label("run")
            .help("sysbench's command word; only 'run' exists for this test.");

    MutexBench() {
        super("mutex", "sysbench's mutex test: each thread does one event of --mutex-locks lock/unlock pairs",
                "on random mutexes, with --mutex-loops empty iterations between them.");
        globals("--json", "--proc-root", "--sys-root", "--container");
        examples("  boxscope bench mutex --threads=2",
                "  boxscope bench mutex --mutex-num=16 --mutex-locks=100000 --mutex-loops=0 --threads=2");
    }

    @Override
    public Integer call() throws Exception {
        SubcommandSupport.onlyRun("mutex", command.value());
        return BenchRunner.run(spec(), common, o -> new MutexWorkload(num.value(), locks.value(), loops.value()));
    }
}
