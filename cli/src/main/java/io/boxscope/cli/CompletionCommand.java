package io.boxscope.cli;

import picocli.AutoComplete;

/** Prints a bash completion script for every command and option. */
final class CompletionCommand extends CliCommand {
    CompletionCommand() {
        super("completion", "Print a bash completion script for boxscope.");
        globals();
        examples("  source <(boxscope completion)                           this shell only",
                "  boxscope completion > /etc/bash_completion.d/boxscope   every new shell");
    }

    @Override
    public Integer call() {
        // The full tree: Main builds only the invoked command's model.
        String script = AutoComplete.bash("boxscope", Commands.commandLine());
        out().print(script);
        out().flush();
        return ExitCode.OK;
    }
}
