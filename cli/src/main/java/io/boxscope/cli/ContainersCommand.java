package io.boxscope.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.ProcStat;
import io.boxscope.proc.Procfs;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.Discovery;
import io.boxscope.proc.json.Json;

/** Lists the containers on this host, one container's details, or the container of a PID. */
final class ContainersCommand extends CliCommand {
    ContainersCommand() {
        super("containers", "List containers (Docker, containerd, CRI-O, Podman, Kubernetes pods, LXC) with their",
                "CPU and memory limits, usage and v2 cgroup id, found from /proc/PID/cgroup.");
        globals("--json", "--proc-root", "--sys-root", "--container", "--pid");
        aliases("ps");
        examples("  boxscope containers                       every container on this host",
                "  boxscope containers --container web       one container: limits, throttling, cgroup paths",
                "  boxscope containers --pid 4242            which container (or the host) PID 4242 is in",
                "  boxscope containers --json | jq '.containers[].limits.cpus'",
                "  boxscope containers --proc-root /host/proc --sys-root /host/sys   from inside a container");
    }

    @Override
    public Integer call() throws IOException {
        GlobalOptions g = global();
        if (g.pid() != null && g.container() != null) {
            throw new UsageException("--pid shows the container of a process and --container one container: give one of them");
        }
        ContainerDiscovery discovery = ContainerDiscovery.of(g.paths());
        if (g.pid() != null) {
            return show(placement(discovery, g), PLACEMENT);
        }
        Discovery d = discovery.scan();
        if (g.container() != null) {
            ContainerInfo c = discovery.locate(d, g.container());
            return show(new ContainerViews.Detail(c, d), ContainerViews.DETAIL);
        }
        return show(d, ContainerViews.LIST);
    }

    /**
     * Where one process is: its cgroups, and its container (null on the host, or when the
     * container was not found in the scan) with the scan's notices ({@code scan} null on the host).
     */
    record Placement(int pid, String comm, ContainerDiscovery.Placement placement, ContainerInfo container, Discovery scan) {}

    private static Placement placement(ContainerDiscovery discovery, GlobalOptions g) throws IOException {
        int pid = g.pid();
        ContainerDiscovery.Placement p = discovery.placement(pid);
        String comm = "";
        try {
            ProcStat st = new Procfs(g.paths()).stat(pid);
            comm = st.comm();
        } catch (IOException | RuntimeException e) {
            // The name is a courtesy: a process that just exited still has its placement printed.
        }
        ContainerInfo info = null;
        Discovery d = null;
        if (!p.ref().isHost()) {
            d = discovery.scan();
            info = d.containers().stream().filter(c -> c.ref().equals(p.ref())).findFirst().orElse(null);
        }
        return new Placement(pid, comm, p, info, d);
    }

    static final View<Placement> PLACEMENT = new View<>() {
        @Override
        public void text(Placement r, Terminal t) {
            ContainerDiscovery.Placement p = r.placement();
            ContainerInfo info = r.container();
            if (r.scan() != null) {
                ContainerViews.notices(r.scan(), t);
            }
            PrintWriter out = t.out();
            String where = p.ref().isHost() ? "the host (no container)"
                    : "container " + (info != null ? info.displayName() : p.ref().shortId()) + " (" + p.ref().runtime().label()
                            + " " + p.ref().shortId() + ")";
            out.println("PID " + r.pid() + " (" + Text.safe(r.comm()) + ") is in " + Text.safe(where));
            if (info != null) {
                out.print(ContainerViews.detail(info));
            } else {
                for (var e : p.cgroups().entries()) {
                    out.println("  " + (e.isUnified() ? "v2" : String.join(",", e.controllers())) + ": " + Text.safe(e.path()));
                }
            }
        }

        @Override
        public Object json(Placement r) {
            ContainerDiscovery.Placement p = r.placement();
            Map<String, Object> o = Json.object();
            o.put("pid", r.pid());
            o.put("comm", r.comm());
            o.put("container", r.container() != null ? ContainerViews.json(r.container()) : ContainerViews.ref(p.ref()));
            o.put("cgroups", p.cgroups().entries().stream().map(e -> {
                Map<String, Object> c = Json.object();
                c.put("hierarchy", e.hierarchyId());
                c.put("controllers", e.controllers());
                c.put("path", e.path());
                return c;
            }).toList());
            return o;
        }
    };

    static List<String> names(Discovery d) {
        return d.containers().stream().map(ContainerInfo::displayName).toList();
    }
}
