package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.proc.container.Runtime;
import io.boxscope.proc.container.RuntimeApis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container name the runtimes could not give is counted with its reason ({@link ContainerNames#misses}), not
 * dropped: a scan that fails whole (no process table under the proc root), and a container found in the process
 * table that no runtime names (its only socket is missing). Each is counted once per scan, not per event.
 */
class ContainerNamesTest {
    private static final String ID = "6de102c1cecc011032305908295668eedad74d736c6d216e4c42f416ae84988f";
    private static final ContainerRef REF = new ContainerRef(Runtime.DOCKER, ID, Optional.empty());
    private static final Path NO_SOCKET = Path.of("/nonexistent/boxscope-test-docker.sock");

    private static ContainerNames names(HostPaths paths) {
        return new ContainerNames(() -> new ContainerDiscovery(paths, new RuntimeApis(List.of(NO_SOCKET))));
    }

    /**
     * Names over a proc root under {@code tmp} whose one process (4242) is in Docker container {@link #ID} (its
     * cgroup v2 path as systemd's cgroup driver names it), while no runtime answers.
     */
    private static ContainerNames namesOverOneDockerContainer(Path tmp) throws Exception {
        Path proc = tmp.resolve("proc");
        Files.createDirectories(proc.resolve("4242"));
        Files.writeString(proc.resolve("4242/cgroup"), "0::/system.slice/docker-" + ID + ".scope\n");
        Files.createDirectories(proc.resolve("self"));
        Files.createDirectories(tmp.resolve("sys"));
        return names(new HostPaths(proc, tmp.resolve("sys")));
    }

    @Test
    void aFailedScanIsCountedWithItsError(@TempDir Path tmp) {
        Path proc = tmp.resolve("no-proc-here");
        ContainerNames names = names(new HostPaths(proc, tmp));
        assertFalse(names.misses().any());
        assertNull(names.apply(REF));
        assertNull(names.apply(REF), "asked again within the second: no second scan");
        ContainerNames.Misses m = names.misses();
        assertEquals(1, m.failedScans(), m.toString());
        assertEquals(0, m.unnamed(), m.toString());
        assertTrue(m.why().startsWith("cannot scan the processes for containers: ") && m.why().contains(proc.toString()), m.why());
        assertEquals(1, m.deferred(), "the second lookup waited for the next scan: counted");
        assertEquals("container names could not be resolved: 1 lookup failed, 1 lookup waited for the next scan ("
                + m.why() + "); those events have no"
                + " container.name or container.image", m.describe());
    }

    @Test
    void aContainerNoRuntimeNamesIsCountedWithTheRuntimesNotice(@TempDir Path tmp) throws Exception {
        ContainerNames names = namesOverOneDockerContainer(tmp);
        ContainerInfo c = names.apply(REF);
        assertEquals(List.of(4242), c.pids(), "found in the process table");
        assertEquals("", c.name(), "but not named");
        assertEquals(c, names.apply(REF));
        assertEquals(1, names.misses().deferred(), "a found but unnamed container's lookup between scans is counted");
        ContainerNames.Misses m = names.misses();
        assertEquals(0, m.failedScans(), m.toString());
        assertEquals(1, m.unnamed(), m.toString());
        assertTrue(m.why().startsWith("container " + ID.substring(0, 12) + ": ") && m.why().contains(NO_SOCKET.toString()), m.why());
        assertTrue(m.describe().startsWith("container names could not be resolved: 1 lookup found no name, 1 lookup waited"), m.describe());
        ContainerRef gone = new ContainerRef(Runtime.DOCKER, "f".repeat(64), Optional.empty());
        assertNull(names.apply(gone), "a container no scan has met: asked at once, not there");
        assertEquals(2, names.misses().unnamed(), "asked at once although the last scan was within the second");
        assertTrue(names.misses().why().startsWith("container " + "f".repeat(12) + ": "), names.misses().why());
        assertEquals(1, names.misses().deferred());
        assertNull(names.apply(gone), "asked again within the second: waits for the next scan");
        assertEquals(2, names.misses().unnamed());
        assertEquals(2, names.misses().deferred(), "the lookup that waited is counted");
    }

    /**
     * A container the first scan found but no runtime named (as Docker lists a container still "created" while runc's
     * init runs in its cgroup) is asked about again once the second since the last scan has passed: it was kept
     * unnamed for the rest of the capture (no second scan, whatever the runtimes said later).
     */
    @Test
    void aContainerFoundUnnamedIsAskedAgain(@TempDir Path tmp) throws Exception {
        ContainerNames names = namesOverOneDockerContainer(tmp);
        assertEquals("", names.apply(REF).name());
        assertEquals(1, names.misses().unnamed());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (names.misses().unnamed() < 2 && System.nanoTime() < deadline) {
            assertEquals("", names.apply(REF).name());
            Thread.sleep(50);
        }
        assertEquals(2, names.misses().unnamed(), "scanned again for it");
    }

    /**
     * A Docker socket that takes connections and never answers (a hung dockerd) costs each scan the socket's 3 s
     * timeout, on the ring consumer's thread. Asked about every 100 ms for 5 s, a container the process table shows
     * and no runtime names is scanned for once: the scan overdrew the scan budget (a tenth of the time), so the next
     * waits about 20 s. It was scanned for again as soon as each 3 s scan returned (the second had passed), blocking
     * the consumer most of the time; the lookups in between are counted as deferred.
     */
    @Test
    void aHungRuntimeIsNotAskedAgainAndAgain(@TempDir Path tmp) throws Exception {
        Path proc = tmp.resolve("proc");
        Files.createDirectories(proc.resolve("4242"));
        Files.writeString(proc.resolve("4242/cgroup"), "0::/system.slice/docker-" + ID + ".scope\n");
        Files.createDirectories(proc.resolve("self"));
        Files.createDirectories(tmp.resolve("sys"));
        Path sock = tmp.resolve("hung.sock");
        try (ServerSocketChannel hung = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            hung.bind(UnixDomainSocketAddress.of(sock), 16); // connections queue in the backlog, nobody answers
            AtomicInteger scans = new AtomicInteger();
            HostPaths paths = new HostPaths(proc, tmp.resolve("sys"));
            ContainerNames names = new ContainerNames(() -> {
                scans.incrementAndGet();
                return new ContainerDiscovery(paths, new RuntimeApis(List.of(sock)));
            });
            long start = System.nanoTime();
            int lookups = 0;
            while (System.nanoTime() - start < 5_000_000_000L) {
                ContainerInfo c = names.apply(REF);
                lookups++;
                assertEquals("", c == null ? "" : c.name());
                Thread.sleep(100);
            }
            ContainerNames.Misses m = names.misses();
            assertEquals(1, scans.get(), "one scan for " + lookups + " lookups in 5 s: " + m);
            assertEquals(lookups - 1, m.deferred(), m.toString());
            assertTrue(m.why().contains(sock.toString()), m.why());
        }
    }
}
