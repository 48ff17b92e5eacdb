package io.boxscope.proc.container;

import java.util.List;

/**
 * One scan of the host: the containers found, how many processes were on the host, how many
 * processes could not be read (exited during the scan, or permission denied), and notices such
 * as "no runtime socket, showing ids".
 */
public record Discovery(List<ContainerInfo> containers, int hostProcesses, int skippedProcesses,
        List<String> notices) {
    public Discovery {
        containers = List.copyOf(containers);
        notices = List.copyOf(notices);
    }
}
