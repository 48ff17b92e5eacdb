package io.boxscope.mem.cgroup;

import java.util.Map;
import java.util.OptionalLong;

/**
 * cgroup v1's {@code memory.oom_control} (Documentation/admin-guide/cgroup-v1/memory.rst, section
 * "OOM Control"): the only place v1 tells that its OOM killer ran. v1 has no memory.events; its
 * {@code memory.failcnt} counts how often the usage hit the limit, which reclaim usually resolves
 * without killing anything, so a container whose process was OOM-killed can show a modest failcnt
 * and nothing else unless this file is read.
 *
 * <p>The kernel writes three lines (mem_cgroup_oom_control_read in mm/):
 * {@code oom_kill_disable} (1: processes that hit the limit wait instead of being killed),
 * {@code under_oom} (1: the cgroup is in an OOM state right now, its processes may be stopped), and
 * since Linux 4.13 {@code oom_kill} (processes the OOM killer killed because this cgroup hit its
 * limit; counted in this cgroup only, not its parents, on v1).
 *
 * @param oomKills {@code oom_kill}; empty on kernels older than 4.13, which do not write it
 */
public record OomControl(boolean killDisabled, boolean underOom, OptionalLong oomKills) {

    /**
     * Parses the file's text. Unknown lines (a newer kernel's) are ignored; a text that has neither
     * {@code oom_kill_disable} nor {@code under_oom} is not this file and is rejected.
     *
     * @throws IllegalArgumentException with what was missing
     */
    public static OomControl parse(String text) {
        Map<String, Long> kv = CgroupMemory.parseKeyValues(text);
        Long disable = kv.get("oom_kill_disable");
        Long under = kv.get("under_oom");
        if (disable == null || under == null) {
            throw new IllegalArgumentException("not a memory.oom_control: no " + (disable == null ? "oom_kill_disable" : "under_oom")
                    + " line");
        }
        Long kills = kv.get("oom_kill");
        if (kills != null && kills < 0) {
            throw new IllegalArgumentException("not a memory.oom_control: oom_kill " + kills + " is negative");
        }
        return new OomControl(disable != 0, under != 0, kills == null ? OptionalLong.empty() : OptionalLong.of(kills));
    }
}
