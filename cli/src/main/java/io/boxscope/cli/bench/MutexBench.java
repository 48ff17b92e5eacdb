package io.boxscope.cli.bench;

import java.util.concurrent.Callable;
import io.boxscope.bench.workload.MutexWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "mutex", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"sysbench's mutex test: each thread does one event of --mutex-locks lock/unlock pairs",
                "on random mutexes, with --mutex-loops empty iterations between them."},
        footerHeading = "%nEXAMPLES%n",
        footer = {"  boxscope bench mutex --threads=2",
                "  boxscope bench mutex --mutex-num=16 --mutex-locks=100000 --mutex-loops=0 --threads=2"})
final class MutexBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--mutex-num", paramLabel = "N", description = "Total size of mutex array (default: ${DEFAULT-VALUE}).")
    int num = 4096;

    @Option(names = "--mutex-locks", paramLabel = "N", description = "Number of mutex locks to do per thread (default: ${DEFAULT-VALUE}).")
    int locks = 50000;

    @Option(names = "--mutex-loops", paramLabel = "N", description = "Number of empty loops to do outside mutex lock (default: ${DEFAULT-VALUE}).")
    int loops = 10000;

    @Parameters(arity = "0..1", paramLabel = "run", description = "sysbench's command word; only 'run' exists for this test.")
    String command;

    @Override
    public Integer call() throws Exception {
        SubcommandSupport.onlyRun("mutex", command);
        return BenchRunner.run(spec, common, o -> new MutexWorkload(num, locks, loops));
    }
}
