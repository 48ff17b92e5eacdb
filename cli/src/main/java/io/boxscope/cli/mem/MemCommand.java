package io.boxscope.cli.mem;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code boxscope mem ...}: where memory goes, per mapping, per process and per container. */
@Command(name = "mem", mixinStandardHelpOptions = true,
        description = {"Memory analysis: pmap, smaps, smaps_rollup, an smem-style top, and a container's",
                "cgroup memory next to its processes' (VSZ, RSS, PSS, USS, docker stats, cgroup usage)."},
        subcommands = {PmapCommand.class, SmapsCommand.class, RollupCommand.class, TopCommand.class,
                ContainerMemCommand.class},
        footerHeading = "%nEXAMPLES%n",
        footer = {"  boxscope mem pmap -x 4242            byte for byte what procps 'pmap -x 4242' prints",
                "  boxscope mem smaps 4242 --top 10      the 10 biggest mappings, grouped by kind",
                "  boxscope mem rollup 4242              RSS, PSS, USS and swap of one process, and why they differ",
                "  boxscope mem top --by container       smem for every process, summed per container",
                "  boxscope mem container web            the cgroup's view beside its processes' view"})
public final class MemCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required: pmap, smaps, rollup, top or container");
    }
}
