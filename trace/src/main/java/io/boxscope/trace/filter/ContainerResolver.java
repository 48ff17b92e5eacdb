package io.boxscope.trace.filter;

import java.util.Set;

/**
 * Container ids and names → cgroup v2 ids, for pushing {@code container.id}/{@code container.name}
 * down into the kernel. Implementations look at the containers running now.
 */
@FunctionalInterface
public interface ContainerResolver {
    /** Which field a value was given for. */
    enum Key { ID, NAME }

    /**
     * The cgroup v2 ids of the container with this id (sysdig's 12-character short id, or a longer
     * prefix) or name, or an empty set when none is known (the filter then stays in user space).
     */
    Set<Long> cgroupIds(Key key, String value);

    /** Knows no container: container filters are evaluated in user space only. */
    ContainerResolver NONE = (key, value) -> Set.of();
}
