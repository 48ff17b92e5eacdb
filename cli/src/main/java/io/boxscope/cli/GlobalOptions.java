package io.boxscope.cli;

import java.nio.file.Path;
import io.boxscope.proc.HostPaths;

/**
 * Options every command accepts, before or after the command name
 * ({@code boxscope --json containers} and {@code boxscope containers --json} are the same).
 * Declared on the root command and inherited by every subcommand.
 */
public final class GlobalOptions {
    /** Their long names, in the order --help lists them; a command says which it acts on (CliCommand#globals). */
    public static final java.util.List<String> NAMES = java.util.List.of("--json", "--proc-root", "--sys-root", "--container", "--pid");


    private final Opt<Boolean> json;
    private final Opt<Path> procRoot;
    private final Opt<Path> sysRoot;
    private final Opt<String> container;
    private final Opt<Integer> pid;

    GlobalOptions(CliCommand root) {
        json = root.flag("--json").inherited().help("Print JSON instead of text.");
        procRoot = root.option(Path.class, Path.of("/proc"), "--proc-root").inherited().label("DIR")
                .help("Where the host's /proc is (default: /proc), e.g. /host/proc inside a container.");
        sysRoot = root.option(Path.class, Path.of("/sys"), "--sys-root").inherited().label("DIR")
                .help("Where the host's /sys is (default: /sys), e.g. /host/sys inside a container.");
        container = root.<String>option(String.class, null, "--container").inherited().label("NAME|ID")
                .help("Target one container, by name, full id or unique id prefix.");
        pid = root.<Integer>option(Integer.class, null, "--pid").inherited().label("PID").converter(new PidConverter())
                .help("Target one process.");
    }

    public boolean json() {
        return json.value();
    }

    public HostPaths paths() {
        return new HostPaths(procRoot.value(), sysRoot.value());
    }

    public String container() {
        return container.value();
    }

    public Integer pid() {
        return pid.value();
    }
}
