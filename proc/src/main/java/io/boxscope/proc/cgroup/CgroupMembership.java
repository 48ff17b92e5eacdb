package io.boxscope.proc.cgroup;

import java.util.List;
import java.util.Optional;

/** Every cgroup a process is in: one entry per v1 hierarchy and at most one unified (v2) entry. */
public record CgroupMembership(List<CgroupEntry> entries) {
    public CgroupMembership {
        entries = List.copyOf(entries);
    }

    public static CgroupMembership parse(String procPidCgroup) {
        return new CgroupMembership(CgroupEntry.parseFile(procPidCgroup));
    }

    /** The v2 path, e.g. {@code /docker/<id>}; empty on a v1-only host. */
    public Optional<String> unifiedPath() {
        return entries.stream().filter(CgroupEntry::isUnified).map(CgroupEntry::path).findFirst();
    }

    /** The v1 path for a controller ("memory", "cpu", "pids", or "name=systemd"). */
    public Optional<String> v1Path(String controller) {
        return entries.stream().filter(e -> e.controllers().contains(controller))
                .map(CgroupEntry::path).findFirst();
    }

    /**
     * The path that best names the process's container: the unified path if it says more than
     * {@code /}, else the first v1 path that does (on v1-only hosts, or where v2 is unused).
     */
    public String identifyingPath() {
        Optional<String> unified = unifiedPath().filter(p -> !p.equals("/"));
        if (unified.isPresent()) {
            return unified.get();
        }
        return entries.stream().map(CgroupEntry::path).filter(p -> !p.equals("/")).findFirst().orElse("/");
    }
}
