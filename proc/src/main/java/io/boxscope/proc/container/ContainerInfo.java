package io.boxscope.proc.container;

import java.util.List;
import java.util.OptionalLong;
import io.boxscope.proc.cgroup.CgroupLimits;
import io.boxscope.proc.cgroup.CgroupMembership;

/**
 * A container found on the host: who it is, its processes, its cgroups and their limits.
 * {@code name} and {@code image} are empty when no runtime API could be asked.
 * {@code cgroupId} is the v2 directory's inode (what BPF's bpf_get_current_cgroup_id sees).
 */
public record ContainerInfo(ContainerRef ref, String name, String image, List<Integer> pids,
        CgroupMembership cgroups, String unifiedPath, OptionalLong cgroupId, CgroupLimits limits) {
    public ContainerInfo {
        pids = List.copyOf(pids);
    }

    /** The name if known, else the short id: what a table should show. */
    public String displayName() {
        return name.isEmpty() ? ref.shortId() : name;
    }
}
