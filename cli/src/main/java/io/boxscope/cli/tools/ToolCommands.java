package io.boxscope.cli.tools;

import java.util.List;
import java.util.function.Supplier;
import io.boxscope.cli.CliCommand;

/**
 * Every BCC-class tool command, in ONE list: {@code Commands} registers them together, so
 * {@code boxscope --help} lists the tools side by side. A new tool adds its command's constructor
 * here (docs/tools.md, "How to add a tool"), and nowhere else in cli.
 */
public final class ToolCommands {
    private ToolCommands() {}

    /** In the order --help lists them. */
    public static final List<Supplier<CliCommand>> ALL = List.of(
            ExecsnoopCommand::new,
            OpensnoopCommand::new,
            ExitsnoopCommand::new,
            BiolatencyCommand::new,
            BiosnoopCommand::new,
            BitesizeCommand::new,
            CachestatCommand::new,
            CpudistCommand::new,
            FunccountCommand::new,
            RunqlatCommand::new,
            TcpconnectCommand::new,
            TcplifeCommand::new,
            KillsnoopCommand::new,
            StatsnoopCommand::new,
            OomkillCommand::new,
            FiletopCommand::new,
            ProfileCommand::new,
            OffcputimeCommand::new,
            HardirqsCommand::new,
            SoftirqsCommand::new,
            RunqlenCommand::new,
            io.boxscope.cli.syscount.SyscountCommand::new);
}
