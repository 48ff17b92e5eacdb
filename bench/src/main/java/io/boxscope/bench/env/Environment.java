package io.boxscope.bench.env;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.cgroup.CgroupLimits;
import io.boxscope.proc.cgroup.CgroupLimits.CpuThrottling;
import io.boxscope.proc.cgroup.CgroupLimitsReader;
import io.boxscope.proc.cgroup.CgroupMembership;

/**
 * Where a benchmark ran: what makes two results comparable or not. CPU model and online CPUs from
 * /proc/cpuinfo, the kernel release, the JVM, and the limits of the cgroup this process is in (from
 * /proc/self/cgroup): CPU quota, cpuset, memory limit and I/O throttles. {@code problems} lists what
 * could not be read: shown, never hidden.
 */
public record Environment(String cpuModel, int onlineCpus, int availableProcessors, String kernel, String jvm,
        String governor, String cgroupPath, OptionalDouble cpuQuota, long cpuPeriodUs, String cpuset, OptionalLong memoryLimit,
        List<IoLimit> ioLimits, List<String> problems) {

    public Environment {
        ioLimits = List.copyOf(ioLimits);
        problems = List.copyOf(problems);
    }

    /** The environment of the calling process. */
    public static Environment capture(HostPaths paths) {
        List<String> problems = new ArrayList<>();
        String model = "unknown";
        int cpus = 0;
        try {
            String info = Files.readString(paths.procRoot().resolve("cpuinfo"), StandardCharsets.UTF_8);
            for (String line : info.split("\n")) {
                if (line.startsWith("processor")) {
                    cpus++;
                } else if (line.startsWith("model name") && model.equals("unknown")) {
                    int c = line.indexOf(':');
                    model = c < 0 ? model : line.substring(c + 1).strip();
                }
            }
        } catch (IOException e) {
            problems.add("cpuinfo: " + e.getMessage());
        }
        String kernel = "unknown";
        try {
            kernel = Files.readString(paths.procRoot().resolve("sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            problems.add("osrelease: " + e.getMessage());
        }
        String jvm = System.getProperty("java.vm.name", "?") + " " + Runtime.version();
        // cpufreq's governor of CPU 0 (powersave and performance give different results); virtual
        // machines often have no cpufreq at all, which is "none", not a problem
        String governor = "none";
        try {
            governor = Files.readString(paths.sysRoot().resolve("devices/system/cpu/cpu0/cpufreq/scaling_governor")).strip();
        } catch (java.nio.file.NoSuchFileException e) {
            governor = "none";
        } catch (IOException e) {
            problems.add("scaling_governor: " + e.getMessage());
        }
        CgroupState cg = CgroupState.read(paths, problems);
        return new Environment(model, cpus, Runtime.getRuntime().availableProcessors(), kernel, jvm, governor,
                cg.path, cg.limits == null ? OptionalDouble.empty() : cg.limits.cpus(),
                cg.limits == null ? 100_000 : cg.limits.cpuPeriodUs(),
                cg.limits == null ? "" : cg.limits.cpuset(),
                cg.limits == null ? OptionalLong.empty() : cg.limits.memoryLimitBytes(), cg.io, problems);
    }

    /** The current cpu.stat throttling counters of this process's cgroup. */
    public static CpuThrottling throttling(HostPaths paths) {
        CgroupState cg = CgroupState.read(paths, new ArrayList<>());
        return cg.limits == null ? CpuThrottling.NONE : cg.limits.throttling();
    }

    /** Counters accumulated between two readings. */
    public static CpuThrottling delta(CpuThrottling before, CpuThrottling after) {
        return new CpuThrottling(Math.max(0, after.periods() - before.periods()),
                Math.max(0, after.throttledPeriods() - before.throttledPeriods()),
                Math.max(0, after.throttledNanos() - before.throttledNanos()));
    }

    /**
     * The CPU quota (in CPUs) and memory limit of process {@code pid}'s cgroups, e.g. a container's
     * main process, for sizing a JVM that will join them; empty where there is no limit or it
     * cannot be read.
     */
    public record ProcessLimits(OptionalDouble cpus, OptionalLong memoryBytes) {}

    public static ProcessLimits limitsOf(HostPaths paths, int pid) {
        CgroupState cg = CgroupState.read(paths, String.valueOf(pid), new ArrayList<>());
        return cg.limits == null ? new ProcessLimits(OptionalDouble.empty(), OptionalLong.empty())
                : new ProcessLimits(cg.limits.cpus(), cg.limits.memoryLimitBytes());
    }

    private record CgroupState(String path, CgroupLimits limits, List<IoLimit> io) {
        static CgroupState read(HostPaths paths, List<String> problems) {
            return read(paths, "self", problems);
        }

        static CgroupState read(HostPaths paths, String pid, List<String> problems) {
            try {
                String text = Files.readString(paths.procRoot().resolve(pid).resolve("cgroup"), StandardCharsets.UTF_8);
                CgroupFs fs = new CgroupFs(paths);
                CgroupMembership m = fs.hostView(CgroupMembership.parse(text));
                CgroupLimits limits = new CgroupLimitsReader(fs).read(m);
                problems.addAll(limits.problems());
                return new CgroupState(m.identifyingPath(), limits, ioLimits(fs, m, problems));
            } catch (IOException | RuntimeException e) {
                problems.add("cgroup: " + e.getMessage());
                return new CgroupState("?", null, List.of());
            }
        }
    }

    static List<IoLimit> ioLimits(CgroupFs fs, CgroupMembership m, List<String> problems) throws IOException {
        int[] skipped = {0};
        List<IoLimit> out = new ArrayList<>();
        Optional<Path> v2 = fs.unifiedDir(m);
        if (v2.isPresent() && Files.exists(v2.get().resolve("io.max"))) {
            out.addAll(IoLimit.parseIoMax(Files.readString(v2.get().resolve("io.max")), skipped));
        }
        Optional<Path> blkio = fs.v1Dir(m, "blkio");
        if (blkio.isPresent() && Files.exists(blkio.get().resolve("blkio.throttle.read_bps_device"))) {
            Path d = blkio.get();
            out.addAll(IoLimit.parseV1(read(d, "blkio.throttle.read_bps_device"), read(d, "blkio.throttle.write_bps_device"),
                    read(d, "blkio.throttle.read_iops_device"), read(d, "blkio.throttle.write_iops_device"), skipped));
        }
        if (skipped[0] > 0) {
            problems.add(skipped[0] + " unreadable I/O limit lines skipped");
        }
        return out;
    }

    private static String read(Path dir, String file) throws IOException {
        Path p = dir.resolve(file);
        return Files.exists(p) ? Files.readString(p) : "";
    }
}
