package io.boxscope.cli.mem;

import io.boxscope.cli.CliCommand;

/** {@code boxscope mem ...}: where memory goes, per mapping, per process and per container. */
public final class MemCommand extends CliCommand {
    public MemCommand() {
        super("mem", "Where memory goes: pmap, smaps, rollup, an smem-style top, and containers.",
                "VSZ, RSS, PSS, USS, docker stats and the cgroup's usage, exact and side by side.");
        subcommands(PmapCommand::new, SmapsCommand::new, RollupCommand::new, TopCommand::new, ContainerMemCommand::new);
        examples("  boxscope mem pmap -x 4242         exactly what 'pmap -x 4242' prints",
                "  boxscope mem smaps 4242 --top 10  the 10 biggest groups of mappings",
                "  boxscope mem rollup 4242          RSS, PSS, USS, swap, and why they differ",
                "  boxscope mem top --by container   smem, summed per container",
                "  boxscope mem container web        the cgroup beside its processes");
    }

    /** The positional PID, else --pid; a usage error if neither was given, or two different ones. */
    static int pid(Integer positional, io.boxscope.cli.GlobalOptions g) {
        if (positional != null) {
            if (g.pid() != null && !g.pid().equals(positional)) {
                throw new io.boxscope.cli.UsageException("two processes given (" + positional + " and --pid " + g.pid()
                        + "): give the PID once");
            }
            return positional;
        }
        if (g.pid() != null) {
            return g.pid();
        }
        throw new io.boxscope.cli.UsageException("which process? give PID (or --pid PID)");
    }

    @Override
    public Integer call() {
        return requireSubcommand("a subcommand is required: pmap, smaps, rollup, top or container");
    }
}
