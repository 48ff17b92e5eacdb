package io.boxscope.cli.mem;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "rollup", mixinStandardHelpOptions = true)
final class RollupCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 1;
    }
}
