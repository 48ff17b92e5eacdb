package io.boxscope.cli.mem;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "container", mixinStandardHelpOptions = true)
final class ContainerMemCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 1;
    }
}
