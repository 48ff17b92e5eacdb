package io.boxscope.trace.filter;

import java.util.Set;
import java.util.TreeSet;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.Discovery;

/**
 * A {@link ContainerResolver} over a container scan (proc's {@code ContainerDiscovery.scan()}):
 * {@code container.name} matches the runtime's name, {@code container.id} the 12-character short
 * id sysdig reports (or the full id); the cgroup id is the container's v2 cgroup directory's.
 */
public final class RunningContainers implements ContainerResolver {
    private final Discovery discovery;

    public RunningContainers(Discovery discovery) {
        this.discovery = discovery;
    }

    @Override
    public Set<Long> cgroupIds(Key key, String value) {
        Set<Long> out = new TreeSet<>();
        for (ContainerInfo c : discovery.containers()) {
            boolean match = switch (key) {
                case NAME -> !c.name().isEmpty() && c.name().equals(value);
                case ID -> c.ref().shortId().equals(value) || c.ref().id().equals(value);
            };
            if (match && c.cgroupId().isPresent()) {
                out.add(c.cgroupId().getAsLong());
            }
        }
        return out;
    }
}
