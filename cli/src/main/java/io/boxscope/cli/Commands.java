package io.boxscope.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Every boxscope command, registered here and nowhere else. Add a new command's constructor to
 * {@link #ALL}; {@link Main}, --help, completion and the AOT training run pick it up.
 */
public final class Commands {
    /** Top-level subcommands, in the order --help lists them. */
    static final List<Supplier<CliCommand>> ALL = List.of(
            DemoCommand::new,
            ContainersCommand::new,
            io.boxscope.cli.probe.ProbeCommand::new,
            io.boxscope.cli.syscount.SyscountCommand::new,
            io.boxscope.cli.bpf.BpfCommand::new,
            io.boxscope.cli.mem.MemCommand::new,
            io.boxscope.cli.bench.BenchCommand::new,
            CompletionCommand::new);

    private Commands() {}

    /** Root options that take a value: the word after them is not a command name. */
    private static final Set<String> VALUE_OPTIONS = Set.of("--proc-root", "--sys-root", "--container", "--pid");

    /** A fresh command line: root command plus every registered subcommand. */
    public static CommandLine commandLine() {
        CommandLine cl = new BoxscopeCommand().commandLine();
        for (Supplier<CliCommand> make : ALL) {
            add(cl, make.get());
        }
        return cl;
    }

    /**
     * The command line needed for {@code args}: when they name a registered command (and
     * subcommand), only those models are built, and with no command and no help request only the
     * root's; otherwise the full tree. (Commands are cheap to construct; their picocli models are what
     * costs, and start-up is what users feel most in a CLI run dozens of times a day.)
     */
    public static CommandLine commandLineFor(String[] args) {
        List<String> words = Arrays.asList(args);
        int at = firstCommandWord(words);
        String name = at < 0 ? null : words.get(at);
        if (name == null && !words.contains("--help") && !words.contains("-h")) {
            // --version, or a usage error that needs no command list.
            return new BoxscopeCommand().commandLine();
        }
        if (name != null) {
            for (Supplier<CliCommand> make : ALL) {
                CliCommand c = make.get();
                if (c.name().equals(name) || c.aliases().contains(name)) {
                    CommandLine cl = new BoxscopeCommand().commandLine();
                    cl.addSubcommand(c.name(), c.commandLineFor(words.subList(at + 1, words.size())));
                    return cl;
                }
            }
        }
        return commandLine();
    }

    private static void add(CommandLine root, CliCommand c) {
        root.addSubcommand(c.name(), c.commandLine());
    }

    /** The index of the first word that is neither an option nor a global option's value, or -1. */
    static int firstCommandWord(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                return -1;
            }
            if (!a.startsWith("-")) {
                return i;
            }
            if (VALUE_OPTIONS.contains(a)) {
                i++;
            }
        }
        return -1;
    }
}
