package io.boxscope.proc.tasks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.Fixtures;
import io.boxscope.proc.HostPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thread and fd tables a tracer seeds from /proc. Fixtures captured on this machine (2026-12-04):
 * {@code tasks/tcp} and {@code tasks/tcp6} while a Python script held a loopback TCP connection
 * (server 127.0.0.1:38245, client port 43550) and an IPv6 one (server [::1]:46921, client port 41390);
 * {@code tasks/status-container} of a busybox {@code sleep} in a Docker container (pid 10466, pid 1 in its
 * namespace); {@code tasks/fdinfo} of a file opened O_RDONLY|O_LARGEFILE. Live parts check against the
 * JVM's own sockets and files.
 */
class TaskTableTest {
    @Test
    void inetTablesGiveEndpointsByInode() {
        Map<Long, SocketEndpoint> m = new HashMap<>();
        TaskTable.parseInet(Fixtures.text("tasks/tcp"), "tcp", m);
        SocketEndpoint listen = m.get(2512979L);
        assertArrayEquals(new byte[] {127, 0, 0, 1}, listen.localAddr());
        assertEquals(38245, listen.localPort());
        assertTrue(listen.listening());
        SocketEndpoint client = m.get(2512980L);
        assertEquals(43550, client.localPort());
        assertEquals(38245, client.remotePort());
        assertArrayEquals(new byte[] {127, 0, 0, 1}, client.remoteAddr());
        assertFalse(client.listening());
        assertEquals(4, client.family());

        TaskTable.parseInet(Fixtures.text("tasks/tcp6"), "tcp", m);
        SocketEndpoint v6 = m.values().stream().filter(e -> e.family() == 6 && e.localPort() == 41390).findFirst().orElseThrow();
        byte[] loopback6 = new byte[16];
        loopback6[15] = 1;
        assertArrayEquals(loopback6, v6.localAddr());
        assertEquals(46921, v6.remotePort());
    }

    @Test
    void unixTableGivesPaths() {
        Map<Long, SocketEndpoint> m = new HashMap<>();
        TaskTable.parseUnix(Fixtures.text("tasks/unix"), m);
        assertEquals("/var/run/docker.sock", m.get(1888659L).path());
        assertTrue(m.get(1888659L).listening());
        assertEquals("", m.get(1185L).path());
    }

    @Test
    void statusGivesNamespaceIds() {
        TaskTable.Status s = TaskTable.Status.parse(Fixtures.text("tasks/status-container"));
        assertEquals("sleep", s.name());
        assertEquals(10444, s.ppid());
        assertEquals(1, s.nsPid());
        assertEquals(1, s.nsTid());
        assertEquals(0100000, TaskTable.fdinfoFlags(Fixtures.text("tasks/fdinfo")));
        assertEquals(-1, TaskTable.fdinfoFlags("pos: 0\n"));
    }

    @Test
    void cgroupLinesBecomeControllerPathPairs() {
        List<String> c = TaskTable.cgroups(Fixtures.text("tasks/cgroup-container"));
        assertTrue(c.stream().anyMatch(l -> l.startsWith("=/docker/")), c.toString());
        assertTrue(c.stream().anyMatch(l -> l.startsWith("memory=/docker/")), c.toString());
    }

    @Test
    void hostileLinesAreSkipped() {
        Map<Long, SocketEndpoint> m = new HashMap<>();
        TaskTable.parseInet("  sl local\n   0: zz:zz 00:00 0A a b c d e f\n   1:\n", "tcp", m);
        TaskTable.parseUnix("Num\n0: x\n", m);
        assertTrue(m.isEmpty());
        assertEquals(List.of(), TaskTable.cgroups("garbage"));
    }

    @Test
    void readsThisProcessWithItsSocketsAndFiles(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("opened"), "x");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            try (FileInputStream in = new FileInputStream(file.toFile())) {
                TaskTable t = new TaskTable(HostPaths.DEFAULT);
                long pid = ProcessHandle.current().pid();
                List<TaskInfo> threads = t.process(pid);
                assertEquals(pid, threads.getFirst().tid(), "main thread first");
                assertTrue(threads.size() > 1, "a JVM has more than one thread");
                assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), threads.getFirst().ppid());
                assertEquals(ProcessHandle.current().info().command().orElseThrow(), threads.getFirst().exepath());
                assertEquals(Path.of("").toAbsolutePath().toString(), threads.getFirst().cwd());

                List<OpenFd> fds = t.fds(pid);
                assertTrue(fds.stream().anyMatch(f -> f.kind() == OpenFd.Kind.FILE && f.target().equals(file.toString())
                        && (f.flags() & 3) == 0), fds.toString());
                OpenFd listening = fds.stream().filter(f -> f.socket() != null && f.socket().listening()
                        && f.socket().localPort() == server.getLocalPort()).findFirst().orElse(null);
                assertNotNull(listening, fds.toString());
                OpenFd connected = fds.stream().filter(f -> f.socket() != null && f.socket().localPort() == client.getLocalPort())
                        .findFirst().orElse(null);
                assertNotNull(connected, fds.toString());
                assertEquals(server.getLocalPort(), connected.socket().remotePort());
            }
        }
    }

    @Test
    void aProcessThatIsGoneIsCountedNotThrown() {
        TaskTable t = new TaskTable(HostPaths.DEFAULT);
        assertEquals(List.of(), t.process(Integer.MAX_VALUE));
        assertEquals(1, t.vanished());
        assertEquals(List.of(), t.fds(Integer.MAX_VALUE));
    }

    /** A process directory of a fake /proc: status (Name, PPid, Uid, Gid), cmdline, cgroup, one task per tid. */
    private static void fakeProcess(Path root, long pid, String name, String cmdline, long... tids) throws Exception {
        Path dir = Files.createDirectories(root.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("status"), "Name:\t" + name + "\nPPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
        Files.writeString(dir.resolve("cmdline"), cmdline.replace(' ', '\0') + "\0");
        Files.writeString(dir.resolve("cgroup"), "0::/\n");
        for (long tid : tids) {
            Path t = Files.createDirectories(dir.resolve("task").resolve(Long.toString(tid)));
            Files.writeString(t.resolve("status"), "Name:\t" + name + "\nPPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
        }
    }

    @Test
    void sinceReadsOnlyNewOrChangedProcessesAndDropsTheGoneOnes(@TempDir Path root) throws Exception {
        fakeProcess(root, 10, "kept", "/bin/kept a", 10);
        fakeProcess(root, 20, "threads", "/bin/threads", 20, 21);
        fakeProcess(root, 30, "gone", "/bin/gone", 30);
        TaskTable table = new TaskTable(new HostPaths(root, root));
        List<TaskInfo> before = table.threads();
        assertEquals(4, before.size());
        // after: 10 unchanged on disk but for its command line (not read again), 20 has a new thread, 30 exited,
        // 40 started
        Files.writeString(root.resolve("10/cmdline"), "/bin/changed\0");
        Files.createDirectories(root.resolve("20/task/22"));
        Files.writeString(root.resolve("20/task/22/status"), "Name:\tworker\nPPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
        try (var files = Files.walk(root.resolve("30"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        fakeProcess(root, 40, "new", "/bin/new x", 40);
        Map<Long, TaskInfo> after = new HashMap<>();
        for (TaskInfo t : table.since(before)) {
            after.put(t.tid(), t);
        }
        assertEquals(java.util.Set.of(10L, 20L, 21L, 22L, 40L), after.keySet());
        assertTrue(after.get(10L) == before.getFirst(), "an unchanged process is the earlier read, not read again");
        assertEquals("/bin/kept", after.get(10L).exe());
        assertEquals("worker", after.get(22L).comm());
        assertEquals("/bin/new", after.get(40L).exe());
        assertEquals(List.of("x"), after.get(40L).args());
    }
}
