package io.boxscope.proc.container;

import java.util.Objects;
import java.util.Optional;

/**
 * A container as its cgroup path identifies it. {@code id} is the runtime's full id (64 hex digits
 * for Docker, containerd, CRI-O and Podman; the container name for LXC).
 */
public record ContainerRef(Runtime runtime, String id, Optional<Pod> pod) {
    public static final ContainerRef HOST = new ContainerRef(Runtime.HOST, "host", Optional.empty());

    public ContainerRef {
        Objects.requireNonNull(runtime);
        Objects.requireNonNull(id);
        Objects.requireNonNull(pod);
    }

    /** The 12-character id {@code docker ps} shows; LXC names and "host" are returned whole. */
    public String shortId() {
        return ContainerRecognizer.isHexId(id) ? id.substring(0, 12) : id;
    }

    public boolean isHost() {
        return runtime == Runtime.HOST;
    }
}
