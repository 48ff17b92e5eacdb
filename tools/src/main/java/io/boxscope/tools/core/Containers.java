package io.boxscope.tools.core;

/**
 * The CONTAINER column from what a script prints for {@code cgroup, container}: the probe runtime
 * resolves the {@code container} builtin to the container's name, or to the cgroup id as a number
 * when no container owns that cgroup (a host process).
 */
public final class Containers {
    private Containers() {}

    /** The container's name, or null for a process outside any container. */
    public static String name(long cgroupId, String resolved) {
        return resolved.isEmpty() || resolved.equals(Long.toString(cgroupId)) ? null : resolved;
    }
}
