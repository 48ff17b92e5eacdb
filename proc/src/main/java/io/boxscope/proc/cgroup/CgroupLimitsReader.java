package io.boxscope.proc.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;
import io.boxscope.proc.ProcParseException;
import io.boxscope.proc.cgroup.CgroupLimits.CgroupVersion;
import io.boxscope.proc.cgroup.CgroupLimits.CpuThrottling;

/**
 * Reads a cgroup's limits: for each controller the v2 file if the controller is enabled there,
 * else the v1 hierarchy's (on hybrid hosts Docker's cgroupfs driver sets limits in v1).
 */
public final class CgroupLimitsReader {
    private final CgroupFs fs;

    public CgroupLimitsReader(CgroupFs fs) {
        this.fs = fs;
    }

    public CgroupLimits read(CgroupMembership m) {
        List<String> problems = new ArrayList<>();
        Optional<Path> v2 = fs.unifiedDir(m);
        Optional<Path> cpu1 = fs.v1Dir(m, "cpu");
        Optional<Path> mem1 = fs.v1Dir(m, "memory");
        Optional<Path> pids1 = fs.v1Dir(m, "pids");
        Optional<Path> cpuset1 = fs.v1Dir(m, "cpuset");

        OptionalDouble cpus = OptionalDouble.empty();
        long period = 100_000;
        OptionalLong shares = OptionalLong.empty();
        OptionalLong weight = OptionalLong.empty();
        CpuThrottling throttling = CpuThrottling.NONE;
        CgroupVersion cpuFrom = CgroupVersion.NONE;
        Optional<String> cpuMax = v2.flatMap(d -> read(d.resolve("cpu.max"), problems));
        if (cpuMax.isPresent()) {
            cpuFrom = CgroupVersion.V2;
            cpus = parse(cpuMax.get(), CgroupFiles::cpuMax, OptionalDouble.empty(), "cpu.max", problems);
            period = parse(cpuMax.get(), CgroupFiles::cpuMaxPeriod, 100_000L, "cpu.max", problems);
            weight = v2.flatMap(d -> read(d.resolve("cpu.weight"), problems))
                    .map(t -> parse(t, x -> CgroupFiles.limit("cpu.weight", x), OptionalLong.empty(), "cpu.weight", problems))
                    .orElse(OptionalLong.empty());
            throttling = v2.flatMap(d -> read(d.resolve("cpu.stat"), problems))
                    .map(t -> parse(t, CgroupFiles::cpuStat, CpuThrottling.NONE, "cpu.stat", problems))
                    .orElse(CpuThrottling.NONE);
        } else if (cpu1.isPresent()) {
            Path d = cpu1.get();
            Optional<String> quota = read(d.resolve("cpu.cfs_quota_us"), problems);
            Optional<String> per = read(d.resolve("cpu.cfs_period_us"), problems);
            if (quota.isPresent() && per.isPresent()) {
                cpuFrom = CgroupVersion.V1;
                cpus = parse(quota.get(), q -> CgroupFiles.cfsQuota(q, per.get()), OptionalDouble.empty(),
                        "cpu.cfs_quota_us", problems);
                period = parse(per.get(), p -> CgroupFiles.number("cpu.cfs_period_us", p.strip()), 100_000L,
                        "cpu.cfs_period_us", problems);
            }
            shares = read(d.resolve("cpu.shares"), problems)
                    .map(t -> parse(t, x -> CgroupFiles.limit("cpu.shares", x), OptionalLong.empty(), "cpu.shares", problems))
                    .orElse(OptionalLong.empty());
            throttling = read(d.resolve("cpu.stat"), problems)
                    .map(t -> parse(t, CgroupFiles::cpuStat, CpuThrottling.NONE, "cpu.stat", problems))
                    .orElse(CpuThrottling.NONE);
        }

        String cpuset = v2.flatMap(d -> read(d.resolve("cpuset.cpus.effective"), problems))
                .or(() -> cpuset1.flatMap(d -> read(d.resolve("cpuset.cpus"), problems)))
                .orElse("");

        OptionalLong memLimit = OptionalLong.empty();
        OptionalLong memUsage = OptionalLong.empty();
        CgroupVersion memFrom = CgroupVersion.NONE;
        Optional<String> memMax = v2.flatMap(d -> read(d.resolve("memory.max"), problems));
        if (memMax.isPresent()) {
            memFrom = CgroupVersion.V2;
            memLimit = parse(memMax.get(), t -> CgroupFiles.limit("memory.max", t), OptionalLong.empty(), "memory.max", problems);
            memUsage = v2.flatMap(d -> read(d.resolve("memory.current"), problems))
                    .map(t -> parse(t, x -> CgroupFiles.limit("memory.current", x), OptionalLong.empty(), "memory.current", problems))
                    .orElse(OptionalLong.empty());
        } else if (mem1.isPresent()) {
            memFrom = CgroupVersion.V1;
            memLimit = read(mem1.get().resolve("memory.limit_in_bytes"), problems)
                    .map(t -> parse(t, x -> CgroupFiles.limit("memory.limit_in_bytes", x), OptionalLong.empty(), "memory.limit_in_bytes", problems))
                    .orElse(OptionalLong.empty());
            memUsage = read(mem1.get().resolve("memory.usage_in_bytes"), problems)
                    .map(t -> parse(t, x -> CgroupFiles.limit("memory.usage_in_bytes", x), OptionalLong.empty(), "memory.usage_in_bytes", problems))
                    .orElse(OptionalLong.empty());
        }

        Optional<Path> pidsDir = v2.filter(d -> d.resolve("pids.max").toFile().exists()).or(() -> pids1);
        OptionalLong pidsLimit = pidsDir.flatMap(d -> read(d.resolve("pids.max"), problems))
                .map(t -> parse(t, x -> CgroupFiles.limit("pids.max", x), OptionalLong.empty(), "pids.max", problems))
                .orElse(OptionalLong.empty());
        OptionalLong pidsCurrent = pidsDir.flatMap(d -> read(d.resolve("pids.current"), problems))
                .map(t -> parse(t, x -> CgroupFiles.limit("pids.current", x), OptionalLong.empty(), "pids.current", problems))
                .orElse(OptionalLong.empty());

        return new CgroupLimits(cpus, period, cpuset, shares, weight, memLimit, memUsage, pidsLimit, pidsCurrent,
                throttling, cpuFrom, memFrom, problems);
    }

    private static Optional<String> read(Path file, List<String> problems) {
        try {
            return CgroupFs.readOptional(file);
        } catch (IOException e) {
            problems.add(file + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static <T> T parse(String text, Function<String, T> parser, T fallback, String file, List<String> problems) {
        try {
            return parser.apply(text);
        } catch (ProcParseException e) {
            problems.add(e.getMessage());
            return fallback;
        }
    }
}
