package io.boxscope.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints a bash completion script for every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print a bash completion script for boxscope.",
        footerHeading = "%nEXAMPLES%n",
        footer = {"  source <(boxscope completion)                           this shell only",
                "  boxscope completion > /etc/bash_completion.d/boxscope   every new shell"})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // The full tree: Main builds only the invoked command's model.
        String script = AutoComplete.bash("boxscope", Commands.commandLine());
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
