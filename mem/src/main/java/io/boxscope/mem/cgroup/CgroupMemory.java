package io.boxscope.mem.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.cgroup.CgroupMembership;

/**
 * A cgroup's memory controller files, from whichever hierarchy carries it: cgroup v1
 * (Documentation/admin-guide/cgroup-v1/memory.rst: memory.usage_in_bytes, limit_in_bytes,
 * max_usage_in_bytes, failcnt, memory.stat, memory.oom_control) or v2 (cgroup-v2.rst: memory.current, max, peak,
 * memory.events, memory.stat). All figures in bytes. On a hybrid host the v2 tree may exist without
 * the memory controller; then v1 is used.
 *
 * @param stat memory.stat as written (v1 has both local and {@code total_*} hierarchical keys)
 * @param events v2: memory.events as written (low, high, max, oom, oom_kill, ...); v1 has no such
 *     file, so this holds what v1 tells under v2's names where the meaning is the same: only
 *     {@code oom_kill}, from memory.oom_control (absent before Linux 4.13). Scripts read one key on both.
 * @param oomControl v1's memory.oom_control; empty on v2 and where the file is missing or unreadable
 * @param problems files that exist but could not be read or parsed
 */
public record CgroupMemory(Version version, Path dir, long usage, OptionalLong limit, OptionalLong peak,
        OptionalLong failcnt, OptionalLong swapUsage, OptionalLong kernelUsage, Map<String, Long> stat,
        Map<String, Long> events, Optional<OomControl> oomControl, List<String> problems) {

    public CgroupMemory {
        stat = Collections.unmodifiableMap(new LinkedHashMap<>(stat));
        events = Collections.unmodifiableMap(new LinkedHashMap<>(events));
        problems = List.copyOf(problems);
    }

    /** v1 only: memory.oom_control says the cgroup is in an OOM state right now. */
    public boolean underOom() {
        return oomControl.map(OomControl::underOom).orElse(false);
    }

    /** Which hierarchy the figures came from. */
    public enum Version { V1, V2 }

    /** v1's "unlimited" is PAGE_COUNTER_MAX pages, about 2^63; anything this large means no limit. */
    static final long UNLIMITED_V1 = 1L << 62;

    /** Locates the memory cgroup of {@code m} and reads it; empty if no hierarchy has the controller. */
    public static Optional<CgroupMemory> read(CgroupFs fs, CgroupMembership m) throws IOException {
        Optional<Path> v1 = fs.v1Dir(m, "memory");
        if (v1.isPresent() && Files.exists(v1.get().resolve("memory.usage_in_bytes"))) {
            return Optional.of(readV1(v1.get()));
        }
        Optional<Path> v2 = fs.unifiedDir(m);
        if (v2.isPresent() && Files.exists(v2.get().resolve("memory.current"))) {
            return Optional.of(readV2(v2.get()));
        }
        return Optional.empty();
    }

    public static CgroupMemory readV1(Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        long usage = number(dir, "memory.usage_in_bytes", problems).orElseThrow(
                () -> new IOException("cannot read " + dir.resolve("memory.usage_in_bytes")));
        OptionalLong limit = number(dir, "memory.limit_in_bytes", problems);
        if (limit.isPresent() && limit.getAsLong() >= UNLIMITED_V1) {
            limit = OptionalLong.empty();
        }
        OptionalLong memsw = number(dir, "memory.memsw.usage_in_bytes", problems);
        OptionalLong swap = memsw.isPresent() ? OptionalLong.of(Math.max(0, memsw.getAsLong() - usage)) : OptionalLong.empty();
        Optional<OomControl> oom = oomControl(dir, problems);
        Map<String, Long> events = new LinkedHashMap<>();
        if (oom.isPresent() && oom.get().oomKills().isPresent()) {
            events.put("oom_kill", oom.get().oomKills().getAsLong());
        }
        return new CgroupMemory(Version.V1, dir, usage, limit, number(dir, "memory.max_usage_in_bytes", problems),
                number(dir, "memory.failcnt", problems), swap, number(dir, "memory.kmem.usage_in_bytes", problems),
                keyValues(dir, "memory.stat", problems), events, oom, problems);
    }

    private static Optional<OomControl> oomControl(Path dir, List<String> problems) {
        Path p = dir.resolve("memory.oom_control");
        try {
            return Optional.of(OomControl.parse(new String(Files.readAllBytes(p), StandardCharsets.US_ASCII)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            problems.add(p + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    public static CgroupMemory readV2(Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        long usage = number(dir, "memory.current", problems).orElseThrow(
                () -> new IOException("cannot read " + dir.resolve("memory.current")));
        Map<String, Long> stat = keyValues(dir, "memory.stat", problems);
        Long kernel = stat.get("kernel");
        return new CgroupMemory(Version.V2, dir, usage, number(dir, "memory.max", problems),
                number(dir, "memory.peak", problems), OptionalLong.empty(), number(dir, "memory.swap.current", problems),
                kernel == null ? OptionalLong.empty() : OptionalLong.of(kernel), stat,
                keyValues(dir, "memory.events", problems), Optional.empty(), problems);
    }

    /** A memory.stat key, preferring v1's hierarchical {@code total_KEY}; 0 if absent. */
    public long stat(String key) {
        Long total = stat.get("total_" + key);
        if (version == Version.V1 && total != null) {
            return total;
        }
        Long v = stat.get(key);
        return v == null ? 0 : v;
    }

    public boolean hasStat(String key) {
        return stat.containsKey(key) || stat.containsKey("total_" + key);
    }

    /** Anonymous memory: v1 rss (+ rss_huge is included in rss), v2 anon. */
    public long anon() {
        return version == Version.V1 ? stat("rss") : stat("anon");
    }

    /** Page cache including tmpfs/shmem: v1 cache, v2 file. */
    public long pageCache() {
        return version == Version.V1 ? stat("cache") : stat("file");
    }

    /** The file pages the kernel would reclaim first. */
    public long inactiveFile() {
        return stat("inactive_file");
    }

    /**
     * What {@code docker stats} prints as MEM USAGE: the docker CLI subtracts
     * {@code total_inactive_file} (cgroup v1) or {@code inactive_file} (v2) from the usage when it is
     * smaller (docker/cli, cli/command/container/stats_helpers.go, calculateMemUsageUnixNoCache).
     */
    public long dockerStatsUsage() {
        String key = version == Version.V1 ? "total_inactive_file" : "inactive_file";
        Long v = stat.get(key);
        if (v != null && v < usage) {
            return usage - v;
        }
        return usage;
    }

    /** Working set as kubelet/cAdvisor define it: usage minus inactive file pages, floored at 0. */
    public long workingSet() {
        return Math.max(0, usage - inactiveFile());
    }

    /**
     * Processes the OOM killer killed because this cgroup hit its limit: v2 memory.events
     * {@code oom_kill}, v1 memory.oom_control {@code oom_kill}; empty where the kernel does not say.
     */
    public OptionalLong oomKills() {
        Long v = events.get("oom_kill");
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static OptionalLong number(Path dir, String file, List<String> problems) throws IOException {
        Path p = dir.resolve(file);
        String s;
        try {
            s = new String(Files.readAllBytes(p), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            problems.add(p + ": " + e.getMessage());
            return OptionalLong.empty();
        }
        if (s.equals("max")) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            problems.add(p + ": not a number: " + s);
            return OptionalLong.empty();
        }
    }

    private static Map<String, Long> keyValues(Path dir, String file, List<String> problems) {
        Path p = dir.resolve(file);
        try {
            return parseKeyValues(new String(Files.readAllBytes(p), StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            problems.add(p + ": " + e.getMessage());
            return Map.of();
        }
    }

    /** {@code key value} lines (memory.stat, memory.events); lines that are not that are skipped. */
    public static Map<String, Long> parseKeyValues(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp <= 0) {
                continue;
            }
            try {
                out.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1).strip()));
            } catch (NumberFormatException e) {
                // not a counter line
            }
        }
        return out;
    }
}
