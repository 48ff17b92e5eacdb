package io.boxscope.proc.container;

import java.util.List;

/**
 * One scan of the host: the containers found, how many processes were on the host, how many
 * processes could not be read (exited during the scan, or permission denied), and notices such
 * as "no runtime socket, showing ids". {@code namesRefused}: the notices (among {@code notices})
 * of the runtime sockets that refused this user, the one reason for missing names that a
 * privilege would cure ({@link RuntimeApis.Lookup#refused()}).
 */
public record Discovery(List<ContainerInfo> containers, int hostProcesses, int skippedProcesses,
        List<String> notices, List<String> namesRefused) {
    public Discovery {
        containers = List.copyOf(containers);
        notices = List.copyOf(notices);
        namesRefused = List.copyOf(namesRefused);
    }

    /** A scan in which no runtime socket refused this user. */
    public Discovery(List<ContainerInfo> containers, int hostProcesses, int skippedProcesses, List<String> notices) {
        this(containers, hostProcesses, skippedProcesses, notices, List.of());
    }
}
