package io.boxscope.proc.container;

/** The container runtime a cgroup path belongs to; {@link #HOST} for processes outside containers. */
public enum Runtime {
    DOCKER("docker"),
    CONTAINERD("containerd"),
    CRIO("cri-o"),
    PODMAN("podman"),
    /** A Kubernetes pod's container whose CRI runtime the path does not name (cgroupfs driver). */
    KUBERNETES("kubernetes"),
    LXC("lxc"),
    HOST("host");

    private final String label;

    Runtime(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
