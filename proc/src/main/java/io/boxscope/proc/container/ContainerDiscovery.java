package io.boxscope.proc.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.NoSuchProcessException;
import io.boxscope.proc.ProcParseException;
import io.boxscope.proc.Procfs;
import io.boxscope.proc.cgroup.CgroupEntry;
import io.boxscope.proc.cgroup.CgroupFs;
import io.boxscope.proc.cgroup.CgroupLimitsReader;
import io.boxscope.proc.cgroup.CgroupMembership;

/**
 * Finds the containers on a host by reading every process's {@code /proc/PID/cgroup} and
 * recognising its path ({@link ContainerRecognizer}), then asks the runtimes for names.
 */
public final class ContainerDiscovery {
    private final Procfs procfs;
    private final CgroupFs cgroupFs;
    private final RuntimeApis apis;
    private final HostPaths paths;
    /** containerd's tasks by cgroup path, read once per discovery (see {@link ContainerdTasks}). */
    private volatile ContainerdTasks.Scan containerd;

    public ContainerDiscovery(HostPaths paths, RuntimeApis apis) {
        this.paths = paths;
        this.procfs = new Procfs(paths);
        this.cgroupFs = new CgroupFs(paths);
        this.apis = apis;
    }

    public static ContainerDiscovery of(HostPaths paths) {
        return new ContainerDiscovery(paths, RuntimeApis.defaults(paths));
    }

    /** A process's cgroups and the container they place it in. */
    public record Placement(int pid, CgroupMembership cgroups, ContainerRef ref) {}

    /** Where one PID is. Throws {@link NoSuchProcessException} if it does not exist. */
    public Placement placement(int pid) throws IOException {
        CgroupMembership m = cgroupFs.hostView(CgroupMembership.parse(procfs.read(pid, "cgroup")));
        return new Placement(pid, m, recognizeHostView(m));
    }

    /**
     * The container of a process whose {@code /proc/PID/cgroup} parsed to {@code m}: its path put in
     * the host's tree ({@link CgroupFs#hostView}), recognised by its layout
     * ({@link ContainerRecognizer}), else matched against containerd's tasks.
     */
    public ContainerRef recognize(CgroupMembership m) {
        return recognizeHostView(cgroupFs.hostView(m));
    }

    private ContainerRef recognizeHostView(CgroupMembership m) {
        ContainerRef ref = ContainerRecognizer.recognize(m.identifyingPath());
        return ref.isHost() ? containerdTask(m.identifyingPath()) : ref;
    }

    /**
     * The containerd task whose cgroup is {@code path} or one of its ancestors (a process may sit
     * in a child), as {@link Runtime#CONTAINERD} with the task's id; else the host.
     */
    private ContainerRef containerdTask(String path) {
        ContainerdTasks.Scan tasks = containerd();
        if (tasks.tasks().isEmpty() || path.equals("/")) {
            return ContainerRef.HOST;
        }
        String p = path;
        while (true) {
            for (ContainerdTasks.Task t : tasks.tasks()) {
                if (t.cgroupPath().equals(p)) {
                    return new ContainerRef(Runtime.CONTAINERD, t.id(), Optional.empty());
                }
            }
            int slash = p.lastIndexOf('/');
            if (slash <= 0) {
                break;
            }
            p = p.substring(0, slash);
        }
        return ContainerRef.HOST;
    }

    private ContainerdTasks.Scan containerd() {
        ContainerdTasks.Scan s = containerd;
        if (s == null) {
            s = ContainerdTasks.read(paths);
            containerd = s;
        }
        return s;
    }

    private static final java.util.concurrent.atomic.AtomicLong SCANS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Scans of every process made so far by this process ({@link #scan}): each reads every /proc/PID/cgroup and asks the
     * runtimes' APIs, ~40-50 ms of CPU on a busy machine, so a command should make one (diagnose, demo: issue 15).
     */
    public static long scans() {
        return SCANS.get();
    }

    /** Scans every process; never throws for a single process that vanishes or cannot be read. */
    public Discovery scan() throws IOException {
        SCANS.incrementAndGet();
        Map<ContainerRef, List<Placement>> groups = new LinkedHashMap<>();
        int host = 0;
        int skipped = 0;
        for (int pid : procfs.pids()) {
            Placement p;
            try {
                p = placement(pid);
            } catch (NoSuchProcessException | IOException | ProcParseException e) {
                skipped++;
                continue;
            }
            if (p.ref().isHost()) {
                host++;
            } else {
                groups.computeIfAbsent(p.ref(), k -> new ArrayList<>()).add(p);
            }
        }
        List<String> notices = new ArrayList<>();
        List<String> refused = List.of();
        Map<String, RuntimeContainer> names = Map.of();
        if (!groups.isEmpty()) {
            RuntimeApis.Lookup lookup = apis.lookup();
            names = lookup.byId();
            notices.addAll(lookup.notices());
            refused = lookup.refused();
            names = withStarting(groups.keySet(), lookup, names, notices);
        }
        notices.addAll(containerd().problems());
        List<ContainerInfo> out = new ArrayList<>();
        int noImage = 0;
        if (groups.keySet().stream().anyMatch(r -> r.runtime() == Runtime.CONTAINERD)) {
            containerd = ContainerdTasks.withImages(paths, containerd()); // the metadata only when there is a use for it
        }
        Map<String, Map<String, String>> criLabels = Map.of();
        List<String> criIds = groups.keySet().stream()
                .filter(r -> r.runtime() == Runtime.CONTAINERD && r.pod().isPresent()).map(ContainerRef::id).toList();
        if (!criIds.isEmpty()) {
            try {
                criLabels = ContainerdTasks.kubernetesLabels(paths, criIds);
            } catch (IOException | RuntimeException e) {
                notices.add("containerd: pod names and namespaces unknown for " + criIds.size()
                        + " container(s) (cannot read containerd's metadata: " + e.getMessage() + ")");
            }
        }
        for (Map.Entry<ContainerRef, List<Placement>> e : groups.entrySet()) {
            RuntimeContainer api = names.get(e.getKey().id());
            Optional<ContainerdTasks.Task> task = e.getKey().runtime() != Runtime.CONTAINERD ? Optional.empty()
                    : containerd().tasks().stream().filter(t -> t.id().equals(e.getKey().id())).findFirst();
            if (api == null && task.isPresent()) {
                // Started with ctr: the id is the name given to `ctr run`; containerd has no other.
                // (CRI containers, recognised by their kubepods path, keep their short id as before.)
                api = new RuntimeContainer(task.get().id(), task.get().id(), task.get().image(), "running", task.get().labels());
                noImage += task.get().image().isEmpty() ? 1 : 0;
            }
            Map<String, String> labels = api != null ? api.labels() : criLabels.getOrDefault(e.getKey().id(), Map.of());
            out.add(describe(e.getKey(), e.getValue(), api, labels, notices));
        }
        if (noImage > 0) {
            String why = containerd().imagesUnknown();
            notices.add("containerd: " + noImage + " container(s) shown by id and cgroup, image unknown ("
                    + (why.isEmpty() ? "not in containerd's metadata" : why) + ")");
        }
        out.sort((a, b) -> a.displayName().compareTo(b.displayName()));
        return new Discovery(out, host, skipped, notices, refused);
    }

    /**
     * {@code names} and, when a Docker or Podman container found in the process table is not among the running
     * containers the runtimes listed (and they all answered), the containers they list with {@code all=1}: a
     * container being started has its processes in its cgroup (runc's init, waiting for {@code runc start}) while
     * the daemon still lists it as "created", which {@code GET /containers/json} leaves out (Docker Engine API,
     * ContainerList: running containers only unless {@code all}). A capture that meets such a container's first
     * events then names it from the start (it was left unnamed). One more call, only on such a miss; its notices
     * (a daemon that answered the first call and not this one) are added to {@code notices}.
     */
    private Map<String, RuntimeContainer> withStarting(java.util.Set<ContainerRef> refs, RuntimeApis.Lookup running,
            Map<String, RuntimeContainer> names, List<String> notices) {
        boolean missing = refs.stream().anyMatch(r -> (r.runtime() == Runtime.DOCKER || r.runtime() == Runtime.PODMAN)
                && !names.containsKey(r.id()));
        if (!missing || !running.notices().isEmpty()) {
            return names;
        }
        RuntimeApis.Lookup all = apis.lookup(true);
        notices.addAll(all.notices());
        Map<String, RuntimeContainer> out = new LinkedHashMap<>(names);
        all.byId().forEach(out::putIfAbsent);
        return out;
    }

    /** How many of {@code m}'s v1 hierarchies say "/" (see {@link #describe}). */
    private static int v1AtRoot(CgroupMembership m) {
        int n = 0;
        for (CgroupEntry e : m.entries()) {
            n += !e.isUnified() && e.path().equals("/") ? 1 : 0;
        }
        return n;
    }

    private ContainerInfo describe(ContainerRef ref, List<Placement> members, RuntimeContainer api,
            Map<String, String> labels, List<String> notices) {
        // The container's own cgroup is the shortest path among its processes (a process may sit in a child); of equal
        // ones, the process with the fewest v1 hierarchies at "/": an exiting process keeps its unified path but reads
        // "/" for every v1 hierarchy (kernel/cgroup/cgroup.c, proc_cgroup_show, once the task is PF_EXITING), and taken
        // as the container's it would give it the root's v1 cpu, memory and blkio files (the whole host's figures).
        Placement top = members.stream()
                .min((a, b) -> {
                    int c = Integer.compare(a.cgroups().identifyingPath().length(), b.cgroups().identifyingPath().length());
                    return c != 0 ? c : Integer.compare(v1AtRoot(a.cgroups()), v1AtRoot(b.cgroups()));
                })
                .orElseThrow();
        CgroupMembership m = top.cgroups();
        Optional<Path> dir = cgroupFs.unifiedDir(m);
        OptionalLong id = OptionalLong.empty();
        if (dir.isPresent()) {
            try {
                id = OptionalLong.of(CgroupFs.cgroupId(dir.get()));
            } catch (IOException | UnsupportedOperationException e) {
                notices.add("cannot read the cgroup id of container " + ref.shortId() + " (" + dir.get() + "): " + e.getMessage());
            }
        }
        return new ContainerInfo(ref, api == null ? "" : api.name(), api == null ? "" : api.image(),
                members.stream().map(Placement::pid).toList(), m, m.unifiedPath().orElse(""), id,
                new CgroupLimitsReader(cgroupFs).read(m), labels);
    }

    /**
     * {@code c} with its runtime's details (privileged, mounts; {@link RuntimeApis#inspect}) when its runtime speaks the
     * Docker Engine API (Docker, Podman, a kubepods container of Docker's); else {@code c} as it is ({@link RuntimeDetails#UNKNOWN}: containerd, CRI-O
     * and LXC keep these in places this code does not read). One API call per container, so asked only by a command
     * that needs them (trace's capture files), not by every scan.
     *
     * @throws IOException when the runtime could not be asked (the message says which socket and why)
     */
    public ContainerInfo details(ContainerInfo c) throws IOException {
        return switch (c.ref().runtime()) {
            // a kubepods container may be Docker's (cri-dockerd): a runtime that does not know the id answers 404
            case DOCKER, PODMAN, KUBERNETES -> c.withDetails(apis.inspect(c.ref().id()));
            case CONTAINERD, CRIO, LXC, HOST -> c;
        };
    }

    /**
     * {@link #find(Discovery, String)}, and when no running container matches, asks the runtimes
     * about stopped ones too, so that "no container named 'web'" becomes "container 'web' is not
     * running (exited)" when that is the reason. Asked only on a miss: a hit costs no API call.
     */
    public ContainerInfo locate(String query) throws IOException {
        return locate(scan(), query);
    }

    /** {@link #locate(String)} in a scan already made. */
    public ContainerInfo locate(Discovery d, String query) {
        try {
            return find(d, query);
        } catch (UnknownContainerException e) {
            if (e.reason() != UnknownContainerException.Reason.NO_MATCH) {
                throw e; // an ambiguous prefix stays one, whatever else it would match among the stopped ones
            }
            List<RuntimeContainer> idle = new ArrayList<>();
            for (RuntimeContainer c : apis.lookup(true).byId().values()) {
                boolean named = c.name().equals(query) || c.id().equals(query) || (!query.isEmpty() && c.id().startsWith(query));
                if (named && !c.state().equals("running")) {
                    idle.add(c);
                }
            }
            if (idle.size() == 1) {
                RuntimeContainer c = idle.getFirst();
                String who = c.name().isEmpty() || c.name().equals(query) ? "'" + query + "'" : "'" + query + "' (" + c.name() + ")";
                throw new UnknownContainerException(UnknownContainerException.Reason.NOT_RUNNING,
                        "container " + who + " is not running (state: " + c.state() + ")", e.known(), List.of(), false);
            }
            throw e;
        }
    }

    /**
     * The container named {@code query}: exact name, full id, or a unique id prefix (as docker
     * accepts). Throws {@link UnknownContainerException} listing the containers that exist.
     */
    public static ContainerInfo find(Discovery d, String query) {
        List<String> known = d.containers().stream().map(ContainerInfo::displayName).toList();
        for (ContainerInfo c : d.containers()) {
            if (c.name().equals(query) || c.ref().id().equals(query)) {
                return c;
            }
        }
        List<ContainerInfo> prefix = d.containers().stream()
                .filter(c -> !query.isEmpty() && c.ref().id().startsWith(query)).toList();
        if (prefix.size() == 1) {
            return prefix.getFirst();
        }
        if (prefix.size() > 1) {
            throw new UnknownContainerException(UnknownContainerException.Reason.AMBIGUOUS, "container id prefix '" + query
                    + "' is ambiguous: it matches " + String.join(", ", prefix.stream().map(c -> c.ref().shortId()
                    + (c.name().isEmpty() ? "" : " (" + c.name() + ")")).toList()) + "; give more of the id", known, List.of(), false);
        }
        // Some containers known by id only (names unavailable): say why the name may not have matched, a refusal first.
        boolean unnamed = d.containers().stream().anyMatch(c -> c.name().isEmpty());
        List<String> why = new ArrayList<>(d.namesRefused());
        d.notices().stream().filter(n -> !why.contains(n)).forEach(why::add);
        throw new UnknownContainerException(UnknownContainerException.Reason.NO_MATCH, "no container named '" + query + "'",
                known, unnamed ? why : List.of(), unnamed && !d.namesRefused().isEmpty());
    }
}
