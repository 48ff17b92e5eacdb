package io.boxscope.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.proc.cgroup.CgroupEntry;
import io.boxscope.proc.cgroup.CgroupLimits;
import io.boxscope.proc.cgroup.CgroupMembership;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.proc.container.Discovery;
import io.boxscope.proc.json.Json;

/** Text and JSON renderings of containers, shared by the commands that show them. */
final class ContainerViews {
    private ContainerViews() {}

    /** {@code boxscope containers}: the table (notices on standard error), or the document with them. */
    static final View<Discovery> LIST = new View<>() {
        @Override
        public void text(Discovery d, Terminal t) {
            if (d.containers().isEmpty()) {
                t.out().println("No containers: " + (d.hostProcesses() == 1 ? "the 1 process is" : "all " + d.hostProcesses() + " processes are") + " on the host.");
            } else {
                t.out().print(table(d.containers()));
            }
            notices(d, t);
        }

        @Override
        public Object json(Discovery d) {
            return ContainerViews.json(d);
        }
    };

    /** One container, with the scan it was found in (for the scan's notices). */
    record Detail(ContainerInfo container, Discovery scan) {}

    /** {@code boxscope containers --container NAME}. */
    static final View<Detail> DETAIL = new View<>() {
        @Override
        public void text(Detail r, Terminal t) {
            t.out().print(detail(r.container()));
            notices(r.scan(), t);
        }

        @Override
        public Object json(Detail r) {
            return ContainerViews.json(r.container());
        }
    };

    /** The scan's notices and skipped processes, on standard error (JSON carries them in the document). */
    static void notices(Discovery d, Terminal t) {
        for (String n : d.notices()) {
            t.notice(n);
        }
        if (d.skippedProcesses() > 0) {
            t.notice(Text.count(d.skippedProcesses(), "process", "processes") + " could not be read (exited during the scan or permission denied)");
        }
    }

    static final List<String> HEADER = List.of("ID", "NAME", "RUNTIME", "PIDS", "CPUS", "MEM LIMIT", "MEM USAGE", "CGROUP ID");

    static String table(List<ContainerInfo> containers) {
        List<List<String>> rows = new ArrayList<>();
        for (ContainerInfo c : containers) {
            CgroupLimits l = c.limits();
            rows.add(List.of(c.ref().shortId(), c.name().isEmpty() ? "-" : c.name(), c.ref().runtime().label(),
                    Integer.toString(c.pids().size()),
                    l.cpus().isPresent() ? Text.cpus(l.cpus().getAsDouble()) : "-",
                    l.memoryLimitBytes().isPresent() ? Text.bytes(l.memoryLimitBytes().getAsLong()) : "-",
                    l.memoryUsageBytes().isPresent() ? Text.bytes(l.memoryUsageBytes().getAsLong()) : "-",
                    c.cgroupId().isPresent() ? Long.toString(c.cgroupId().getAsLong()) : "-"));
        }
        return Text.table(HEADER, rows);
    }

    /** The one-container view: every figure with where it came from. */
    static String detail(ContainerInfo c) {
        CgroupLimits l = c.limits();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("ID", c.ref().id()));
        rows.add(List.of("NAME", c.name().isEmpty() ? "-" : c.name()));
        rows.add(List.of("IMAGE", c.image().isEmpty() ? "-" : c.image()));
        rows.add(List.of("RUNTIME", c.ref().runtime().label()));
        c.ref().pod().ifPresent(p -> rows.add(List.of("POD", p.uid() + " (QoS " + p.qos().label() + ")")));
        rows.add(List.of("PIDS", c.pids().stream().map(String::valueOf).reduce((a, b) -> a + " " + b).orElse("-")));
        rows.add(List.of("CPUS", l.cpus().isPresent()
                ? Text.cpus(l.cpus().getAsDouble()) + " (period " + l.cpuPeriodUs() + " us, cgroup " + version(l.cpuFrom()) + ")"
                : "unlimited"));
        rows.add(List.of("CPUSET", l.cpuset().isEmpty() ? "-" : l.cpuset()));
        if (l.cpuShares().isPresent()) {
            rows.add(List.of("CPU SHARES", Long.toString(l.cpuShares().getAsLong())));
        }
        if (l.cpuWeight().isPresent()) {
            rows.add(List.of("CPU WEIGHT", Long.toString(l.cpuWeight().getAsLong())));
        }
        CgroupLimits.CpuThrottling t = l.throttling();
        rows.add(List.of("THROTTLED", String.format(Locale.ROOT, "%d of %d periods (%.1f%%), %.3f s in total",
                t.throttledPeriods(), t.periods(), 100 * t.throttledShare(), t.throttledNanos() / 1e9)));
        rows.add(List.of("MEM LIMIT", l.memoryLimitBytes().isPresent() ? Text.bytes(l.memoryLimitBytes().getAsLong())
                + " (" + l.memoryLimitBytes().getAsLong() + " bytes, cgroup " + version(l.memoryFrom()) + ")" : "unlimited"));
        rows.add(List.of("MEM USAGE", l.memoryUsageBytes().isPresent() ? Text.bytes(l.memoryUsageBytes().getAsLong()) : "-"));
        rows.add(List.of("PIDS LIMIT", l.pidsLimit().isPresent() ? Long.toString(l.pidsLimit().getAsLong()) : "unlimited"));
        rows.add(List.of("CGROUP V2", c.unifiedPath().isEmpty() ? "-" : c.unifiedPath()
                + (c.cgroupId().isPresent() ? " (cgroup id " + c.cgroupId().getAsLong() + ")" : "")));
        // One line per distinct v1 path: Docker puts every controller at the same path.
        Map<String, List<String>> v1 = new LinkedHashMap<>();
        for (CgroupEntry e : c.cgroups().entries()) {
            if (!e.isUnified()) {
                v1.computeIfAbsent(e.path(), k -> new ArrayList<>()).addAll(e.controllers());
            }
        }
        v1.forEach((path, controllers) -> rows.add(List.of("CGROUP V1", path + " (" + String.join(",", controllers) + ")")));
        for (String p : l.problems()) {
            rows.add(List.of("UNREADABLE", p));
        }
        return Text.table(List.of("", ""), rows).lines().skip(1).map(s -> s + "\n").reduce("", String::concat);
    }

    private static String version(CgroupLimits.CgroupVersion v) {
        return switch (v) {
            case V1 -> "v1";
            case V2 -> "v2";
            case NONE -> "none";
        };
    }

    static Map<String, Object> json(Discovery d) {
        Map<String, Object> o = Json.object();
        o.put("containers", d.containers().stream().map(ContainerViews::json).toList());
        o.put("host_processes", d.hostProcesses());
        o.put("skipped_processes", d.skippedProcesses());
        o.put("notices", d.notices());
        return o;
    }

    static Map<String, Object> json(ContainerInfo c) {
        Map<String, Object> o = Json.object();
        o.put("id", c.ref().id());
        o.put("short_id", c.ref().shortId());
        o.put("name", c.name());
        o.put("image", c.image());
        o.put("runtime", c.ref().runtime().label());
        o.put("pod", c.ref().pod().map(p -> {
            Map<String, Object> pod = Json.object();
            pod.put("uid", p.uid());
            pod.put("qos", p.qos().label());
            return pod;
        }));
        o.put("pids", c.pids());
        o.put("cgroup", cgroupJson(c.cgroups(), c));
        o.put("limits", limitsJson(c.limits()));
        return o;
    }

    static Map<String, Object> ref(ContainerRef r) {
        Map<String, Object> o = Json.object();
        o.put("runtime", r.runtime().label());
        o.put("id", r.id());
        o.put("short_id", r.shortId());
        return o;
    }

    private static Map<String, Object> cgroupJson(CgroupMembership m, ContainerInfo c) {
        Map<String, Object> o = Json.object();
        o.put("v2_path", m.unifiedPath());
        o.put("id", c.cgroupId());
        // A list, not an object keyed by "cpu,cpuacct": keys are names, never data (docs/json.md).
        List<Object> v1 = new ArrayList<>();
        for (CgroupEntry e : m.entries()) {
            if (!e.isUnified()) {
                Map<String, Object> h = Json.object();
                h.put("controllers", e.controllers());
                h.put("path", e.path());
                v1.add(h);
            }
        }
        o.put("v1", v1);
        return o;
    }

    static Map<String, Object> limitsJson(CgroupLimits l) {
        Map<String, Object> o = Json.object();
        o.put("cpus", l.cpus());
        o.put("cpu_period_us", l.cpuPeriodUs());
        o.put("cpuset", l.cpuset());
        o.put("cpu_shares", l.cpuShares());
        o.put("cpu_weight", l.cpuWeight());
        o.put("cpu_from", l.cpuFrom());
        o.put("memory_limit_bytes", l.memoryLimitBytes());
        o.put("memory_usage_bytes", l.memoryUsageBytes());
        o.put("memory_from", l.memoryFrom());
        o.put("pids_limit", l.pidsLimit());
        o.put("pids_current", l.pidsCurrent());
        Map<String, Object> t = Json.object();
        t.put("periods", l.throttling().periods());
        t.put("throttled_periods", l.throttling().throttledPeriods());
        t.put("throttled_ns", l.throttling().throttledNanos());
        o.put("throttling", t);
        o.put("problems", l.problems());
        return o;
    }
}
