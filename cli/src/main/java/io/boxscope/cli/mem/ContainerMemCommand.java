package io.boxscope.cli.mem;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Table;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.View;
import io.boxscope.cli.UsageException;
import io.boxscope.mem.Units;
import io.boxscope.mem.cgroup.CgroupMemory;
import io.boxscope.mem.cgroup.ContainerMemoryReport;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.top.MemTop;
import io.boxscope.mem.top.ProcessMemory;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.Discovery;
import io.boxscope.proc.json.Json;

/** A container's memory as its cgroup counts it, beside the sum of its processes, and why they differ. */
final class ContainerMemCommand extends CliCommand {
    final Opt<String> name = positional(String.class, null).index("0").arity("0..1").label("NAME|ID")
            .help("Container name, id or unique id prefix (or --container).");

    ContainerMemCommand() {
        super("container", "A container's memory as its cgroup counts it, beside its processes' PSS and USS.",
                "Usage, limit, peak, failcnt or OOM kills and memory.stat (cgroup v1 or v2), the figure",
                "docker stats shows, the working set, and why the numbers differ (page cache, kernel",
                "memory, sockets).");
        globals("--json", "--proc-root", "--sys-root", "--container");
        examples("  boxscope mem container web              the cgroup beside its processes",
                "  boxscope mem container 3f2a --json      exact bytes and kB for scripts");
    }

    @Override
    public Integer call() throws IOException {
        GlobalOptions g = global();
        String query = name.value() != null ? name.value() : g.container();
        if (name.value() != null && g.container() != null && !name.value().equals(g.container())) {
            throw new UsageException("two containers given: NAME '" + name.value() + "' and --container '" + g.container()
                    + "'; give one (either way)");
        }
        if (query == null) {
            throw new UsageException("which container? give NAME|ID (see 'boxscope containers')");
        }
        ContainerDiscovery discovery = ContainerDiscovery.of(g.paths());
        Discovery d = discovery.scan();
        ContainerInfo c = discovery.locate(d, query);
        CgroupMemory cg = CgroupMemory.read(new CgroupFs(g.paths()), c.cgroups()).orElseThrow(() -> new IOException(
                "container " + c.displayName() + " has no memory cgroup (neither a v1 memory hierarchy nor memory.current in v2)"));
        MemTop.Scan scan = MemTop.scan(new ProcMemReader(g.paths()), c.pids(), Math.min(4, Runtime.getRuntime().availableProcessors()));
        return show(new Result(c, ContainerMemoryReport.of(cg, scan)), VIEW);
    }

    /** The container and its memory report. */
    record Result(ContainerInfo container, ContainerMemoryReport report) {}

    /** The figures side by side with where each comes from, memory.stat, and why they differ. */
    static final View<Result> VIEW = new View<>() {
        @Override
        public void text(Result result, Terminal t) {
            ContainerMemCommand.text(result.container(), result.report(), t.out());
        }

        @Override
        public Object json(Result result) {
            return ContainerMemCommand.json(result.container(), result.report());
        }
    };

    private static void text(ContainerInfo c, ContainerMemoryReport rep, PrintWriter out) {
        CgroupMemory cg = rep.cgroup();
        MemTop.Scan scan = rep.scan();
        out.println("Container " + Text.safe(c.displayName()) + " (" + c.ref().shortId() + "), memory cgroup "
                + (cg.version() == CgroupMemory.Version.V1 ? "v1" : "v2") + " " + Text.safe(cg.dir().toString()));
        out.println();
        List<List<String>> rows = new ArrayList<>();
        String v1 = cg.version() == CgroupMemory.Version.V1 ? "memory.usage_in_bytes" : "memory.current";
        rows.add(List.of("cgroup usage", Long.toString(cg.usage()), Units.bytes(cg.usage()), v1 + ": everything charged, page cache and kernel included"));
        rows.add(List.of("cgroup limit", cg.limit().isPresent() ? Long.toString(cg.limit().getAsLong()) : "-",
                cg.limit().isPresent() ? Units.bytes(cg.limit().getAsLong()) : "unlimited",
                cg.version() == CgroupMemory.Version.V1 ? "memory.limit_in_bytes" : "memory.max"));
        if (cg.peak().isPresent()) {
            rows.add(List.of("cgroup peak", Long.toString(cg.peak().getAsLong()), Units.bytes(cg.peak().getAsLong()),
                    cg.version() == CgroupMemory.Version.V1 ? "memory.max_usage_in_bytes" : "memory.peak"));
        }
        rows.add(List.of("working set", Long.toString(cg.workingSet()), Units.bytes(cg.workingSet()),
                "usage - inactive_file" + (cg.limit().isPresent() ? String.format(Locale.ROOT, ": %.1f%% of the limit", 100 * rep.workingSetShare()) : "")));
        rows.add(List.of("docker stats", Long.toString(cg.dockerStatsUsage()), Units.bytes(cg.dockerStatsUsage()),
                "MEM USAGE as the docker CLI computes it"));
        ContainerMemoryReport.Sums s = rep.processKb();
        rows.add(List.of("processes' RSS", Long.toString(s.rss() * 1024), Units.kb(s.rss()), "sum over " + Text.count(scan.processes().size(), "process", "processes") + ": shared pages counted once per process"));
        rows.add(List.of("processes' PSS", Long.toString(s.pss() * 1024), Units.kb(s.pss()), "sum of PSS: shared pages divided among their users"));
        rows.add(List.of("processes' USS", Long.toString(s.uss() * 1024), Units.kb(s.uss()), "sum of Private_Clean + Private_Dirty"));
        rows.add(List.of("processes' swap", Long.toString(s.swap() * 1024), Units.kb(s.swap()), "sum of Swap"));
        if (cg.failcnt().isPresent()) {
            rows.add(List.of("failcnt", Long.toString(cg.failcnt().getAsLong()), "", "times usage hit the limit (memory.failcnt)"));
        }
        if (cg.version() == CgroupMemory.Version.V2 && cg.oomKills().isPresent()) {
            rows.add(List.of("oom / oom_kill", cg.events().getOrDefault("oom", 0L) + " / " + cg.oomKills().getAsLong(), "",
                    "allocations about to fail at the limit / processes killed by the OOM killer (memory.events)"));
        }
        cg.oomControl().ifPresent(o -> {
            if (o.oomKills().isPresent()) {
                rows.add(List.of("oom_kill", Long.toString(o.oomKills().getAsLong()), "", "processes killed by the OOM killer (memory.oom_control)"));
            }
            if (o.underOom()) {
                rows.add(List.of("under_oom", "1", "", "out of memory right now (memory.oom_control)"));
            }
            if (o.killDisabled()) {
                rows.add(List.of("oom_kill_disable", "1", "", "no OOM kills: processes at the limit wait, stopped (memory.oom_control)"));
            }
        });
        out.print(Table.render(List.of("", "bytes", "", ""), rows, null, 1, true));
        out.println();
        out.println("memory.stat:");
        List<List<String>> stat = new ArrayList<>();
        for (ContainerMemoryReport.StatLine l : rep.statLines()) {
            stat.add(List.of("  " + l.name(), Long.toString(l.bytes()), Units.bytes(l.bytes())));
        }
        out.print(Table.render(List.of("", "", ""), stat, null, 1).lines().skip(1).map(l -> l + "\n").reduce("", String::concat));
        out.println();
        out.println("Why the numbers differ:");
        for (String r : rep.reasons()) {
            out.println("  - " + r);
        }
        if (!rep.oomAlerts().isEmpty() || rep.nearOom()) {
            out.println();
        }
        for (String a : rep.oomAlerts()) {
            out.println("WARNING: " + a + ".");
        }
        if (rep.nearOom() && !cg.underOom()) {
            out.println(String.format(Locale.ROOT, "WARNING: the working set is %.1f%% of the limit: this container is one allocation spike from an OOM kill.",
                    100 * rep.workingSetShare()));
        }
        if (scan.exited() + scan.denied() + scan.unparsable() > 0) {
            out.println("(" + Text.count(scan.exited(), "process", "processes") + " exited during the scan, " + scan.denied() + " could not be read, "
                    + scan.unparsable() + " had smaps that could not be parsed: left out of the sums above)");
        }
        for (String p : cg.problems()) {
            out.println("unreadable: " + Text.safe(p));
        }
    }

    private static Map<String, Object> json(ContainerInfo c, ContainerMemoryReport rep) {
        CgroupMemory cg = rep.cgroup();
        Map<String, Object> o = Json.object();
        o.put("id", c.ref().id());
        o.put("name", c.displayName());
        Map<String, Object> g = Json.object();
        g.put("version", cg.version() == CgroupMemory.Version.V1 ? "v1" : "v2");
        g.put("dir", cg.dir().toString());
        g.put("usage_bytes", cg.usage());
        g.put("limit_bytes", cg.limit());
        g.put("peak_bytes", cg.peak());
        g.put("failcnt", cg.failcnt());
        g.put("swap_bytes", cg.swapUsage());
        g.put("kernel_bytes", cg.kernelUsage());
        g.put("working_set_bytes", cg.workingSet());
        g.put("docker_stats_usage_bytes", cg.dockerStatsUsage());
        g.put("stat", cg.stat());
        g.put("events", cg.events());
        cg.oomControl().ifPresent(oc -> {
            Map<String, Object> x = Json.object();
            x.put("oom_kill_disable", oc.killDisabled() ? 1 : 0);
            x.put("under_oom", oc.underOom() ? 1 : 0);
            x.put("oom_kill", oc.oomKills());
            g.put("oom_control", x);
        });
        g.put("problems", cg.problems());
        o.put("cgroup", g);
        ContainerMemoryReport.Sums s = rep.processKb();
        Map<String, Object> p = Json.object();
        p.put("count", rep.scan().processes().size());
        p.put("rss_kb", s.rss());
        p.put("pss_kb", s.pss());
        p.put("uss_kb", s.uss());
        p.put("anonymous_kb", s.anonymous());
        p.put("swap_kb", s.swap());
        p.put("skipped_exited", rep.scan().exited());
        p.put("skipped_permission_denied", rep.scan().denied());
        p.put("skipped_unparsable", rep.scan().unparsable());
        List<Object> list = new ArrayList<>();
        for (ProcessMemory m : rep.scan().processes()) {
            Map<String, Object> x = Json.object();
            x.put("pid", m.pid());
            x.put("command", m.command());
            x.put("rss_kb", m.rss());
            x.put("pss_kb", m.pss());
            x.put("uss_kb", m.uss());
            x.put("swap_kb", m.swap());
            list.add(x);
        }
        p.put("list", list);
        o.put("processes", p);
        o.put("working_set_share_of_limit", rep.workingSetShare());
        o.put("near_oom", rep.nearOom());
        o.put("oom_alerts", rep.oomAlerts());
        o.put("reasons", rep.reasons());
        return o;
    }
}
