package io.boxscope.proc.container;

import java.util.List;

/**
 * What only a runtime's per-container inspect call says of a container: whether it runs privileged and what it mounts
 * (Docker Engine API {@code GET /containers/{id}/json}: {@code HostConfig.Privileged} and {@code Mounts}; Podman's
 * compatible API answers the same call). The container list ({@code GET /containers/json}) carries neither
 * privileged nor, in every version, the mounts, so discovery asks for these only where a command needs them
 * ({@link ContainerDiscovery#details}): trace's capture files describe each container as libsinsp's docker engine
 * does (libs e5c53d64 container_engine/docker/async_source.cpp parse_docker: {@code HostConfig.Privileged},
 * parse_json_mounts).
 *
 * @param known      whether a runtime answered; false: privileged and mounts say nothing (the runtime was not asked,
 *                   is not Docker-compatible, or did not answer)
 * @param privileged {@code HostConfig.Privileged}
 * @param mounts     {@code Mounts}, in the runtime's order
 */
public record RuntimeDetails(boolean known, boolean privileged, List<Mount> mounts) {
    /** Nothing asked or nothing answered. */
    public static final RuntimeDetails UNKNOWN = new RuntimeDetails(false, false, List.of());

    public RuntimeDetails {
        mounts = List.copyOf(mounts);
    }

    /**
     * One entry of the inspect answer's {@code Mounts}: {@code Source}, {@code Destination}, {@code Mode} ("" or
     * "ro", "z", ...), {@code RW}, {@code Propagation} ("rprivate", "" for a volume).
     */
    public record Mount(String source, String destination, String mode, boolean rw, String propagation) {}
}
