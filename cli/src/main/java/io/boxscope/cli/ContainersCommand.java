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
        PrintWriter out = out();
        PrintWriter err = err();
        if (g.pid() != null && g.container() != null) {
            throw new UsageException("--pid shows the container of a process and --container one container: give one of them");
        }
        ContainerDiscovery discovery = ContainerDiscovery.of(g.paths());
        if (g.pid() != null) {
            return showPid(discovery, g, out, err);
        }
        Discovery d = discovery.scan();
        if (g.container() != null) {
            ContainerInfo c = discovery.locate(d, g.container());
            out.print(g.json() ? Json.pretty(ContainerViews.json(c)) + "\n" : ContainerViews.detail(c));
            notices(d, err, g.json());
            return ExitCode.OK;
        }
        if (g.json()) {
            out.println(Json.pretty(ContainerViews.json(d)));
        } else if (d.containers().isEmpty()) {
            out.println("No containers: all " + d.hostProcesses() + " processes are on the host.");
        } else {
            out.print(ContainerViews.table(d.containers()));
        }
        notices(d, err, g.json());
        return ExitCode.OK;
    }

    private static void notices(Discovery d, PrintWriter err, boolean json) {
        if (json) {
            return; // the JSON document carries notices and counts itself
        }
        for (String n : d.notices()) {
            err.println("notice: " + Text.safe(n));
        }
        if (d.skippedProcesses() > 0) {
            err.println("notice: " + d.skippedProcesses() + " processes could not be read (exited during the scan or permission denied)");
        }
    }

    private static Integer showPid(ContainerDiscovery discovery, GlobalOptions g, PrintWriter out, PrintWriter err)
            throws IOException {
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
        if (!p.ref().isHost()) {
            Discovery d = discovery.scan();
            info = d.containers().stream().filter(c -> c.ref().equals(p.ref())).findFirst().orElse(null);
            if (!g.json()) {
                notices(d, err, false);
            }
        }
        if (g.json()) {
            Map<String, Object> o = Json.object();
            o.put("pid", pid);
            o.put("comm", comm);
            o.put("container", info != null ? ContainerViews.json(info) : ContainerViews.ref(p.ref()));
            o.put("cgroups", p.cgroups().entries().stream().map(e -> {
                Map<String, Object> c = Json.object();
                c.put("hierarchy", e.hierarchyId());
                c.put("controllers", e.controllers());
                c.put("path", e.path());
                return c;
            }).toList());
            out.println(Json.pretty(o));
            return ExitCode.OK;
        }
        String where = p.ref().isHost() ? "the host (no container)"
                : "container " + (info != null ? info.displayName() : p.ref().shortId()) + " (" + p.ref().runtime().label()
                        + " " + p.ref().shortId() + ")";
        out.println("PID " + pid + " (" + Text.safe(comm) + ") is in " + Text.safe(where));
        if (info != null) {
            out.print(ContainerViews.detail(info));
        } else {
            for (var e : p.cgroups().entries()) {
                out.println("  " + (e.isUnified() ? "v2" : String.join(",", e.controllers())) + ": " + Text.safe(e.path()));
            }
        }
        return ExitCode.OK;
    }

    static List<String> names(Discovery d) {
        return d.containers().stream().map(ContainerInfo::displayName).toList();
    }
}
