package io.boxscope.cli.mem;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "top", mixinStandardHelpOptions = true)
final class TopCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 1;
    }
}
