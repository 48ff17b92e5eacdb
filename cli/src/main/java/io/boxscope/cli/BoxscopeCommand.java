package io.boxscope.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command; its subcommands are listed once, in {@link Commands}. */
@Command(name = "boxscope", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Why is this container slow: CPU, memory or I/O?",
                "Benchmarks, memory maps, syscall capture and eBPF tracing for Linux hosts and their containers."},
        footerHeading = "%nEXAMPLES%n",
        footer = {"  boxscope demo                      start a limited test container and show what Boxscope sees",
                "  boxscope containers                list containers with their limits and cgroup ids",
                "  boxscope containers --pid 4242     which container is PID 4242 in?",
                "  boxscope --json containers         the same as JSON, for scripts",
                "  source <(boxscope completion)      bash completion for this shell"})
public final class BoxscopeCommand implements Runnable {
    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required: try 'boxscope --help'");
    }

    /** The shared options, from any command's spec. */
    public static GlobalOptions global(CommandSpec spec) {
        return ((BoxscopeCommand) spec.root().userObject()).global;
    }
}
