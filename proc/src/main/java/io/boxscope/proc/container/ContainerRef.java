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

    /**
     * Written out rather than the record's generated equals and hashCode, which are bound at their first call through
     * an invokedynamic bootstrap (java.lang.runtime.ObjectMethods) that spins method-handle classes at run time for C1
     * to compile: the container scan groups every process by its ref, in each {@code boxscope diagnose} too (issue 15:
     * its CPU is taken from a busy target; docs/benchmarks.md, "diagnose: classes spun at run time").
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ContainerRef r && runtime == r.runtime && id.equals(r.id) && pod.equals(r.pod);
    }

    @Override
    public int hashCode() {
        return Objects.hash(runtime, id, pod);
    }

    /** The 12-character id {@code docker ps} shows; LXC names and "host" are returned whole. */
    public String shortId() {
        return ContainerRecognizer.isHexId(id) ? id.substring(0, 12) : id;
    }

    public boolean isHost() {
        return runtime == Runtime.HOST;
    }
}
