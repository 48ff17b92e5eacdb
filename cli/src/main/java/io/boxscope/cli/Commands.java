package io.boxscope.cli;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Every boxscope command, registered here and nowhere else. Add a new command's constructor to
 * {@link #ALL} with its name ({@link CliCommand#named}: a run naming one command constructs no other);
 * {@link Main}, --help, completion and the AOT training run pick it up.
 */
public final class Commands {
    /** Top-level subcommands, in the order --help lists them. */
    static final List<Supplier<CliCommand>> ALL = java.util.stream.Stream.of(List.<Supplier<CliCommand>>of(
            CliCommand.named("demo", DemoCommand::new),
            CliCommand.named("containers", ContainersCommand::new, "ps"),
            CliCommand.named("probe", io.boxscope.cli.probe.ProbeCommand::new, "bpftrace"),
            CliCommand.named("trace", io.boxscope.cli.trace.TraceCommand::new, "sysdig")),
            io.boxscope.cli.tools.ToolCommands.ALL, // the BCC-class tools, together (execsnoop, ..., syscount)
            List.<Supplier<CliCommand>>of(
            CliCommand.named("bpf", io.boxscope.cli.bpf.BpfCommand::new),
            CliCommand.named("mem", io.boxscope.cli.mem.MemCommand::new),
            CliCommand.named("bench", io.boxscope.cli.bench.BenchCommand::new),
            CliCommand.named("sysbench", io.boxscope.cli.bench.SysbenchCommand::new),
            CliCommand.named("diagnose", io.boxscope.cli.diagnose.DiagnoseCommand::new),
            CliCommand.named("serve", io.boxscope.cli.serve.ServeCommand::new),
            CliCommand.named("completion", CompletionCommand::new))).flatMap(List::stream).toList();

    private Commands() {}

    /** A fresh command line: root command plus every registered subcommand. */
    public static CommandLine commandLine() {
        return CliCommand.hideRefusedGlobals(new BoxscopeCommand().commandLine());
    }

    /** The command line {@code args} need: only the models of the commands they name are built. */
    public static CommandLine commandLineFor(String[] args) {
        return CliCommand.hideRefusedGlobals(new BoxscopeCommand().commandLineFor(Arrays.asList(args)));
    }
}
