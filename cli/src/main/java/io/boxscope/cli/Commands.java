package io.boxscope.cli;

import java.util.List;
import picocli.CommandLine;

/**
 * Every boxscope command, registered here and nowhere else. Add a new command's class to
 * {@link #ALL}; {@link Main} and the AOT training run pick it up.
 */
public final class Commands {
    /** Top-level subcommands, in the order --help lists them. */
    static final List<Class<?>> ALL = List.of(
            DemoCommand.class,
            ContainersCommand.class,
            io.boxscope.cli.bench.BenchCommand.class,
            CompletionCommand.class);

    private Commands() {}

    /** A fresh command line: root command plus every registered subcommand. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BoxscopeCommand());
        for (Class<?> c : ALL) {
            cl.addSubcommand(c);
        }
        return cl;
    }
}
