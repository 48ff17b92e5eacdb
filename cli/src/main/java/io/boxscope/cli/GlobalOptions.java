package io.boxscope.cli;

import java.nio.file.Path;
import io.boxscope.proc.HostPaths;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every command accepts, before or after the command name
 * ({@code boxscope --json containers} and {@code boxscope containers --json} are the same).
 */
public final class GlobalOptions {
    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--proc-root", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Where the host's /proc is (default: /proc), e.g. /host/proc inside a container.")
    Path procRoot = Path.of("/proc");

    @Option(names = "--sys-root", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Where the host's /sys is (default: /sys), e.g. /host/sys inside a container.")
    Path sysRoot = Path.of("/sys");

    @Option(names = "--container", scope = ScopeType.INHERIT, paramLabel = "NAME|ID",
            description = "Target one container, by name, full id or unique id prefix.")
    String container;

    @Option(names = "--pid", scope = ScopeType.INHERIT, paramLabel = "PID", description = "Target one process.")
    Integer pid;

    public boolean json() {
        return json;
    }

    public HostPaths paths() {
        return new HostPaths(procRoot, sysRoot);
    }

    public String container() {
        return container;
    }

    public Integer pid() {
        return pid;
    }
}
