package io.boxscope.cli.bench;

import java.util.concurrent.Callable;
import io.boxscope.bench.workload.ThreadsWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "threads", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"sysbench's threads test: scheduler performance, lock/yield/unlock loops on a few mutexes."},
        footerHeading = "%nEXAMPLES%n",
        footer = {"  boxscope bench threads --threads=4 --time=5",
                "  boxscope bench threads --thread-yields=100 --thread-locks=2 --events=10000"})
final class ThreadsBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--thread-yields", paramLabel = "N", description = "Number of yields to do per event (default: ${DEFAULT-VALUE}).")
    int yields = 1000;

    @Option(names = "--thread-locks", paramLabel = "N", description = "Number of locks (default: ${DEFAULT-VALUE}).")
    int locks = 8;

    @Parameters(arity = "0..1", paramLabel = "run", description = "sysbench's command word; only 'run' exists for this test.")
    String command;

    @Override
    public Integer call() throws Exception {
        SubcommandSupport.onlyRun("threads", command);
        return BenchRunner.run(spec, common, o -> new ThreadsWorkload(yields, locks));
    }
}
