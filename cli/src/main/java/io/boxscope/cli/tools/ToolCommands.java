package io.boxscope.cli.tools;

import java.util.List;
import java.util.function.Supplier;
import io.boxscope.cli.CliCommand;

/**
 * Every BCC-class tool command, in ONE list: {@code Commands} registers them together, so
 * {@code boxscope --help} lists the tools side by side. A new tool adds its command's constructor
 * here with its name (docs/tools.md, "How to add a tool"), and nowhere else in cli: a run of one tool constructs
 * no other ({@link CliCommand#named}).
 */
public final class ToolCommands {
    private ToolCommands() {}

    /** In the order --help lists them. */
    public static final List<Supplier<CliCommand>> ALL = List.of(
            CliCommand.named("execsnoop", ExecsnoopCommand::new),
            CliCommand.named("opensnoop", OpensnoopCommand::new),
            CliCommand.named("exitsnoop", ExitsnoopCommand::new),
            CliCommand.named("biolatency", BiolatencyCommand::new),
            CliCommand.named("biosnoop", BiosnoopCommand::new),
            CliCommand.named("bitesize", BitesizeCommand::new),
            CliCommand.named("cachestat", CachestatCommand::new),
            CliCommand.named("cpudist", CpudistCommand::new),
            CliCommand.named("funccount", FunccountCommand::new),
            CliCommand.named("runqlat", RunqlatCommand::new),
            CliCommand.named("tcpconnect", TcpconnectCommand::new),
            CliCommand.named("tcplife", TcplifeCommand::new),
            CliCommand.named("killsnoop", KillsnoopCommand::new),
            CliCommand.named("sigsnoop", () -> new KillsnoopCommand(false)),
            CliCommand.named("statsnoop", StatsnoopCommand::new),
            CliCommand.named("oomkill", OomkillCommand::new),
            CliCommand.named("filetop", FiletopCommand::new),
            CliCommand.named("profile", ProfileCommand::new),
            CliCommand.named("offcputime", OffcputimeCommand::new),
            CliCommand.named("hardirqs", HardirqsCommand::new),
            CliCommand.named("softirqs", SoftirqsCommand::new),
            CliCommand.named("runqlen", RunqlenCommand::new),
            CliCommand.named("syscount", io.boxscope.cli.syscount.SyscountCommand::new));
}
