package io.boxscope.cli.mem;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "smaps", mixinStandardHelpOptions = true)
final class SmapsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 1;
    }
}
