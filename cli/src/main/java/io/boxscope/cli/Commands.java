package io.boxscope.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Every boxscope command, registered here and nowhere else. Add a new command's class to
 * {@link #ALL}; {@link Main} and the AOT training run pick it up.
 */
public final class Commands {
    /** Top-level subcommands, in the order --help lists them. */
    static final List<Class<?>> ALL = List.of(
            DemoCommand.class,
            ContainersCommand.class,
            io.boxscope.cli.probe.ProbeCommand.class,
            io.boxscope.cli.syscount.SyscountCommand.class,
            io.boxscope.cli.bpf.BpfCommand.class,
            io.boxscope.cli.mem.MemCommand.class,
            io.boxscope.cli.bench.BenchCommand.class,
            CompletionCommand.class);

    private Commands() {}

    /** Root options that take a value: the word after them is not a command name. */
    private static final Set<String> VALUE_OPTIONS = Set.of("--proc-root", "--sys-root", "--container", "--pid");

    /** A fresh command line: root command plus every registered subcommand. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BoxscopeCommand());
        for (Class<?> c : ALL) {
            cl.addSubcommand(c);
        }
        return cl;
    }

    /**
     * The command line needed for {@code args}: when they name a registered command, only that
     * command's model is built, and with no command and no help request only the root's (picocli builds models eagerly by reflection, and start-up is the
     * cost users feel most in a CLI run dozens of times a day); otherwise the full tree.
     */
    public static CommandLine commandLineFor(String[] args) {
        String name = commandName(args);
        if (name == null && !Arrays.asList(args).contains("--help") && !Arrays.asList(args).contains("-h")) {
            // --version, or a usage error that needs no command list.
            return new CommandLine(new BoxscopeCommand());
        }
        if (name != null) {
            for (Class<?> c : ALL) {
                Command a = c.getAnnotation(Command.class);
                if (a.name().equals(name) || Arrays.asList(a.aliases()).contains(name)) {
                    CommandLine cl = new CommandLine(new BoxscopeCommand());
                    cl.addSubcommand(c);
                    return cl;
                }
            }
        }
        return commandLine();
    }

    private static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                return null;
            }
            if (!a.startsWith("-")) {
                return a;
            }
            if (VALUE_OPTIONS.contains(a)) {
                i++;
            }
        }
        return null;
    }
}
