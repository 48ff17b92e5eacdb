package io.boxscope.proc.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import io.boxscope.proc.Fixtures;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.Discovery;
import io.boxscope.proc.container.RuntimeApis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boxscope in a privileged container with a private cgroup namespace, on files captured from one
 * (see resources/cgroupns-private/README.md): container A reads the host's /proc and, at
 * {@code --sys-root}, the host's /sys; other containers' paths read {@code /../<id>}.
 */
class CgroupNamespaceTest {
    static final String A = "2f393aca8f165e74e273b73a960ddfa08c0e24d6032419cd3a0e5d5f43be508b";
    static final String B = "09353e914ecbe16cd87387d6c520bd6bb5673bce7f8722cbfee4e5f040d3c39c";
    static final int SELF = 19841;
    static final int B_PID = 19763;

    /** The captured /proc files, with {@code self} linking to A's process as procfs's does. */
    static Path procRoot(Path tmp) throws IOException {
        Path src = Fixtures.path("cgroupns-private/proc-host");
        Path proc = tmp.resolve("proc");
        try (var pids = Files.list(src)) {
            for (Path p : pids.toList()) {
                Files.createDirectories(proc.resolve(p.getFileName().toString()));
                Files.copy(p.resolve("cgroup"), proc.resolve(p.getFileName().toString()).resolve("cgroup"));
            }
        }
        Files.createSymbolicLink(proc.resolve("self"), Path.of(Integer.toString(SELF)));
        return proc;
    }

    @Test
    void otherContainersPathsResolveAgainstTheNamespaceRoot(@TempDir Path tmp) throws IOException {
        HostPaths paths = new HostPaths(procRoot(tmp), Fixtures.path("cgroupns-private/sys-host"));
        CgroupFs fs = new CgroupFs(paths);
        CgroupMembership b = fs.hostView(CgroupMembership.parse(Fixtures.text("cgroupns-private/proc-host/" + B_PID + "/cgroup")));
        assertEquals(Optional.of("/docker/" + B), b.v1Path("memory"));
        assertEquals(Optional.of("/docker/" + B), b.unifiedPath());
        CgroupMembership self = fs.hostView(CgroupMembership.parse(Fixtures.text("cgroupns-private/proc-host/" + SELF + "/cgroup")));
        assertEquals(Optional.of("/docker/" + A), self.v1Path("cpu"), "our own '/' is our own container's cgroup");
        CgroupMembership init = fs.hostView(CgroupMembership.parse(Fixtures.text("cgroupns-private/proc-host/1/cgroup")));
        assertEquals(Optional.of("/"), init.v1Path("pids"));
        CgroupMembership podman = fs.hostView(CgroupMembership.parse(Fixtures.text("cgroupns-private/proc-host/15940/cgroup")));
        assertTrue(podman.unifiedPath().orElseThrow().startsWith("/libpod_parent/libpod-"), podman.toString());
        // Hierarchies not mounted under the sys root (blkio here) keep their paths, and are never read.
        assertEquals(Optional.of("/../" + B), b.v1Path("blkio"));
    }

    /** The whole discovery, as `boxscope --proc-root … --sys-root … containers` runs it in that container. */
    @Test
    void discoveryInsideAPrivateNamespaceFindsEveryContainerWithItsLimits(@TempDir Path tmp) throws IOException {
        HostPaths paths = new HostPaths(procRoot(tmp), Fixtures.path("cgroupns-private/sys-host"));
        Discovery d = new ContainerDiscovery(paths, new RuntimeApis(List.of(Path.of("/nonexistent.sock")))).scan();
        Map<String, ContainerInfo> byId = d.containers().stream().collect(Collectors.toMap(c -> c.ref().id(), c -> c));
        ContainerInfo b = byId.get(B);
        assertTrue(b != null, "container B not found: " + d.containers());
        assertEquals(List.of(B_PID), b.pids());
        // Oracle: docker run --memory 64m --cpus 0.25 (README); the files say 67108864 and 25000/100000.
        assertEquals(64L << 20, b.limits().memoryLimitBytes().getAsLong());
        assertEquals(0.25, b.limits().cpus().getAsDouble());
        assertEquals("/docker/" + B, b.unifiedPath());
        assertTrue(b.cgroupId().isPresent());
        ContainerInfo a = byId.get(A);
        assertTrue(a != null, "our own container A not found: " + d.containers());
        assertEquals(96L << 20, a.limits().memoryLimitBytes().getAsLong());
        assertEquals(List.of(SELF), a.pids());
        // PIDs 1 and 2, and the ctr container: containerd's own layout (/<namespace>/<id>) is told
        // from a host cgroup only by containerd's state directory, which this fixture does not hold.
        assertEquals(3, d.hostProcesses());
    }

    /**
     * The sys root is the container's own, namespaced /sys (the host's is not mounted): our own
     * process is at its root, so /../B has nowhere to go. One line says what to do.
     */
    @Test
    void withoutTheHostsTreeItFailsInOneLineSayingCgroupnsHost(@TempDir Path tmp) throws IOException {
        HostPaths paths = new HostPaths(procRoot(tmp), Fixtures.path("cgroupns-private/sys-ns"));
        ContainerDiscovery discovery = new ContainerDiscovery(paths, new RuntimeApis(List.of(Path.of("/nonexistent.sock"))));
        CgroupNamespaceException e = assertThrows(CgroupNamespaceException.class, discovery::scan);
        assertTrue(e.getMessage().contains("--cgroupns=host"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    /** No /proc/self to tell which process we are: the same one-line failure, not "unlimited". */
    @Test
    void withoutSelfItFailsInOneLine(@TempDir Path tmp) throws IOException {
        Path proc = procRoot(tmp);
        Files.delete(proc.resolve("self"));
        CgroupFs fs = new CgroupFs(new HostPaths(proc, Fixtures.path("cgroupns-private/sys-host")));
        CgroupMembership b = CgroupMembership.parse(Fixtures.text("cgroupns-private/proc-host/" + B_PID + "/cgroup"));
        CgroupNamespaceException e = assertThrows(CgroupNamespaceException.class, () -> fs.hostView(b));
        assertTrue(e.getMessage().contains("--cgroupns=host") && e.getMessage().contains("self"), e.getMessage());
    }

    /** A path that climbs out, read without hostView, is an error: never a directory outside the mount. */
    @Test
    void aClimbingPathNeverResolvesOutsideTheMount(@TempDir Path tmp) throws IOException {
        CgroupFs fs = new CgroupFs(new HostPaths(tmp.resolve("noproc"), Fixtures.path("cgroupns-private/sys-host")));
        CgroupMembership b = CgroupMembership.parse(Fixtures.text("cgroupns-private/proc-host/" + B_PID + "/cgroup"));
        assertEquals(b, fs.hostView(b), "no PID 1 to compare with: left as it is");
        assertThrows(CgroupNamespaceException.class, () -> fs.v1Dir(b, "memory"));
        assertThrows(CgroupNamespaceException.class, () -> new CgroupLimitsReader(fs).read(b));
    }

    @Test
    void normalize() {
        assertEquals(Optional.of("/../b"), CgroupNamespace.normalize("/../b"));
        assertEquals(Optional.of("/docker/b"), CgroupNamespace.join("/docker/a", "/../b"));
        assertEquals(Optional.of("/"), CgroupNamespace.join("/docker/a", "/../.."));
        assertEquals(Optional.empty(), CgroupNamespace.join("/docker/a", "/../../.."));
        assertEquals(Optional.of("/docker/a/sub"), CgroupNamespace.join("/docker/a", "/sub"));
        assertEquals(Optional.of("/"), CgroupNamespace.normalize("//./"));
    }
}
