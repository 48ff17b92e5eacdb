package io.boxscope.proc.container;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import io.boxscope.proc.cgroup.CgroupLimits;
import io.boxscope.proc.cgroup.CgroupMembership;

/**
 * A container found on the host: who it is, its processes, its cgroups and their limits.
 * {@code name} and {@code image} are empty when no runtime API could be asked; {@code labels} holds
 * the Kubernetes labels its runtime keeps (pod name and namespace), empty outside Kubernetes.
 * {@code cgroupId} is the v2 directory's inode (what BPF's bpf_get_current_cgroup_id sees). {@code details} (privileged,
 * mounts) is {@link RuntimeDetails#UNKNOWN} from a scan: only {@link ContainerDiscovery#details} asks for it.
 */
public record ContainerInfo(ContainerRef ref, String name, String image, List<Integer> pids,
        CgroupMembership cgroups, String unifiedPath, OptionalLong cgroupId, CgroupLimits limits,
        Map<String, String> labels, RuntimeDetails details) {
    public ContainerInfo {
        pids = List.copyOf(pids);
        labels = Map.copyOf(KubernetesLabels.keep(labels));
        java.util.Objects.requireNonNull(details, "details");
    }

    public ContainerInfo(ContainerRef ref, String name, String image, List<Integer> pids,
            CgroupMembership cgroups, String unifiedPath, OptionalLong cgroupId, CgroupLimits limits,
            Map<String, String> labels) {
        this(ref, name, image, pids, cgroups, unifiedPath, cgroupId, limits, labels, RuntimeDetails.UNKNOWN);
    }

    public ContainerInfo(ContainerRef ref, String name, String image, List<Integer> pids,
            CgroupMembership cgroups, String unifiedPath, OptionalLong cgroupId, CgroupLimits limits) {
        this(ref, name, image, pids, cgroups, unifiedPath, cgroupId, limits, Map.of());
    }

    /** This container with the runtime's details. */
    public ContainerInfo withDetails(RuntimeDetails d) {
        return new ContainerInfo(ref, name, image, pids, cgroups, unifiedPath, cgroupId, limits, labels, d);
    }

    /** The Kubernetes pod's name from the runtime's labels ({@link KubernetesLabels}), or "". */
    public String podName() {
        return labels.getOrDefault(KubernetesLabels.POD_NAME, "");
    }

    /** The Kubernetes pod's namespace from the runtime's labels, or "". */
    public String podNamespace() {
        return labels.getOrDefault(KubernetesLabels.POD_NAMESPACE, "");
    }

    /** The name if known, else the short id: what a table should show. */
    public String displayName() {
        return name.isEmpty() ? ref.shortId() : name;
    }
}
