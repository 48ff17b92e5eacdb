package io.boxscope.cli;

import java.io.PrintStream;
import picocli.CommandLine.Model.CommandSpec;

/** The root command; its subcommands are listed once, in {@link Commands}. */
public final class BoxscopeCommand extends CliCommand {
    final GlobalOptions global = new GlobalOptions(this);
    /** Where {@link CliCommand#printBytes} writes: the stream behind picocli's out writer (set by Main). */
    PrintStream stdout = System.out;

    BoxscopeCommand() {
        super("boxscope", "Why is this container slow: CPU, memory or I/O?",
                "Benchmarks, memory maps, syscall capture and eBPF tracing for Linux hosts and their containers.");
        autoWidth();
        globals(GlobalOptions.NAMES.toArray(String[]::new)); // alone it only says a command is required
        subcommands(Commands.ALL);
        examples("  boxscope demo                      start a limited test container and show what Boxscope sees",
                "  boxscope containers                list containers with their limits and cgroup ids",
                "  boxscope containers --pid 4242     which container is PID 4242 in?",
                "  boxscope --json containers         the same as JSON, for scripts",
                "  source <(boxscope completion)      bash completion for this shell");
    }

    @Override
    public Integer call() {
        return requireSubcommand("a command is required: try 'boxscope --help'");
    }

    /** The shared options, from any command's spec. */
    public static GlobalOptions global(CommandSpec spec) {
        return ((BoxscopeCommand) spec.root().userObject()).global;
    }
}
