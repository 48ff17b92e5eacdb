package io.boxscope.proc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.proc.Fixtures;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupMembership;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery through injected roots, as `--proc-root /host/proc --sys-root /host/sys` uses it. */
class ContainerDiscoveryTest {
    @Test
    void scansAnInjectedProcAndSysRoot(@TempDir Path proc) throws IOException {
        write(proc, 1, Fixtures.text("cgroup/host-pid1-hybrid.cgroup"));
        write(proc, 4170, Fixtures.text("cgroup/docker-cgroupfs-hybrid.cgroup"));
        write(proc, 4171, Fixtures.text("cgroup/docker-cgroupfs-hybrid.cgroup"));
        Files.createDirectories(proc.resolve("4172")); // exited mid-scan: no cgroup file
        Files.createDirectories(proc.resolve("self"));
        HostPaths paths = new HostPaths(proc, Fixtures.path("sysfs-hybrid"));
        ContainerDiscovery discovery = new ContainerDiscovery(paths, new RuntimeApis(List.of(Path.of("/nonexistent.sock"))));
        Discovery d = discovery.scan();
        assertEquals(1, d.containers().size());
        ContainerInfo c = d.containers().getFirst();
        assertEquals(List.of(4170, 4171), c.pids());
        assertEquals("f6e7ee405536", c.displayName(), "no runtime socket: the short id stands in for the name");
        assertEquals(0.5, c.limits().cpus().getAsDouble());
        assertTrue(c.cgroupId().isPresent());
        assertEquals(1, d.hostProcesses());
        assertEquals(1, d.skippedProcesses());
        assertEquals(1, d.notices().size());

        assertEquals(c, ContainerDiscovery.find(d, "f6e7ee"));
        assertEquals(c, ContainerDiscovery.find(d, c.ref().id()));
        UnknownContainerException e = assertThrows(UnknownContainerException.class, () -> ContainerDiscovery.find(d, "web"));
        assertEquals(List.of("f6e7ee405536"), e.known());
        assertTrue(discovery.placement(1).ref().isHost());
    }

    /**
     * A process of the container that is exiting when the scan reads it (an OOM-killed child, a shell loop's command):
     * on a hybrid host its /proc/PID/cgroup keeps the unified path but says "/" for every v1 hierarchy (the kernel's
     * proc_cgroup_show, kernel/cgroup/cgroup.c, prints "/" for a v1 hierarchy once the task is PF_EXITING). Seen on
     * this project's host with pids wrapping: the dying child had a lower pid than the container's shell, was taken as
     * the container's cgroup, and `diagnose` then read the root's v1 cpu and memory files (the whole host's figures,
     * no limit) under the container's name.
     */
    @Test
    void anExitingMemberDoesNotGiveTheContainerTheRootsV1Cgroups(@TempDir Path proc) throws IOException {
        String live = Fixtures.text("cgroup/docker-cgroupfs-hybrid.cgroup");
        StringBuilder exiting = new StringBuilder();
        for (String line : live.split("\n")) {
            exiting.append(line.startsWith("0::") ? line : line.substring(0, line.indexOf(':', line.indexOf(':') + 1) + 1) + "/")
                    .append('\n');
        }
        write(proc, 1, Fixtures.text("cgroup/host-pid1-hybrid.cgroup"));
        write(proc, 4169, exiting.toString()); // lower pid: the first of the container's processes in the scan
        write(proc, 4170, live);
        Files.createDirectories(proc.resolve("self"));
        HostPaths paths = new HostPaths(proc, Fixtures.path("sysfs-hybrid"));
        Discovery d = new ContainerDiscovery(paths, new RuntimeApis(List.of(Path.of("/nonexistent.sock")))).scan();
        assertEquals(1, d.containers().size(), d.toString());
        ContainerInfo c = d.containers().getFirst();
        assertEquals(List.of(4169, 4170), c.pids());
        assertEquals(CgroupMembership.parse(live), c.cgroups());
        assertEquals(0.5, c.limits().cpus().getAsDouble(), "the container's cpu cgroup, not the root's");
    }

    /**
     * A ctr container: found through containerd's state under {@code <proc-root>/1/root}, named by
     * its id, its image from containerd's metadata; without the metadata, one notice line says so.
     */
    @Test
    void findsACtrContainerThroughContainerdsStateUnderTheProcRoot(@TempDir Path proc) throws IOException {
        write(proc, 1, Fixtures.text("cgroup/host-pid1-hybrid.cgroup"));
        write(proc, 5301, Fixtures.text("containerd/ctr-task-hybrid.cgroup"));
        Path hostRoot = proc.resolve("1/root");
        ContainerdTasksTest.state(hostRoot);
        HostPaths paths = new HostPaths(proc, Fixtures.path("sysfs-hybrid"));
        RuntimeApis none = new RuntimeApis(List.of(Path.of("/nonexistent.sock")));

        Discovery without = new ContainerDiscovery(paths, none).scan();
        assertEquals(1, without.containers().size(), without.toString());
        ContainerInfo c = without.containers().getFirst();
        assertEquals(Runtime.CONTAINERD, c.ref().runtime());
        assertEquals(ContainerdTasksTest.ID, c.name());
        assertEquals("", c.image());
        assertEquals(1, without.notices().stream().filter(n -> n.startsWith("containerd:")).count(), without.notices().toString());

        Path meta = hostRoot.resolve(ContainerdTasks.METADATA);
        Files.createDirectories(meta.getParent());
        Files.copy(Fixtures.path("containerd/meta.db"), meta);
        Discovery with = new ContainerDiscovery(paths, none).scan();
        assertEquals("docker.io/boxscope-test/busybox:latest", with.containers().getFirst().image());
        assertEquals(0, with.notices().stream().filter(n -> n.startsWith("containerd:")).count(), with.notices().toString());
        assertEquals(List.of(5301), with.containers().getFirst().pids());
    }

    /** A Kubernetes (CRI) container keeps its short id: containerd's tasks name only ctr-started ones. */
    @Test
    void aCriContainerIsNotNamedFromContainerdsTasks(@TempDir Path proc) throws IOException {
        write(proc, 1, Fixtures.text("cgroup/host-pid1-hybrid.cgroup"));
        write(proc, 77, Fixtures.text("cgroup/k8s-containerd-systemd-v2-burstable.cgroup"));
        write(proc, 5301, Fixtures.text("containerd/ctr-task-hybrid.cgroup"));
        ContainerdTasksTest.state(proc.resolve("1/root"));
        Discovery d = new ContainerDiscovery(new HostPaths(proc, Fixtures.path("sysfs-hybrid")),
                new RuntimeApis(List.of(Path.of("/nonexistent.sock")))).scan();
        assertEquals(2, d.containers().size(), d.toString());
        ContainerInfo cri = d.containers().stream().filter(c -> c.ref().pod().isPresent()).findFirst().orElseThrow();
        assertEquals(Runtime.CONTAINERD, cri.ref().runtime());
        assertEquals("", cri.name());
        assertEquals(12, cri.displayName().length());
        assertEquals(1, d.notices().stream().filter(n -> n.startsWith("containerd: 1 container(s)")).count(), d.notices().toString());
    }

    private static void write(Path proc, int pid, String cgroup) throws IOException {
        Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(proc.resolve(pid + "/cgroup"), cgroup);
    }
}
