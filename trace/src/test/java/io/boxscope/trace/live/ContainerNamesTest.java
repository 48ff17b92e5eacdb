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
        return new ContainerNames(() -> new ContainerDiscovery(paths, new RuntimeApis(List.of(NO_SOCKET))).scan());
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

    /**
     * Container {@link #ID} as a scan of {@link #namesOverOneDockerContainer} finds it (no runtime: no name), named
     * "web" (image nginx:1.27), as a runtime that answers would describe it.
     */
    private static ContainerInfo web(Path tmp) throws Exception {
        ContainerNames unnamed = namesOverOneDockerContainer(tmp);
        unnamed.apply(REF);
        unnamed.awaitScans();
        ContainerInfo found = unnamed.apply(REF);
        return new ContainerInfo(found.ref(), "web", "nginx:1.27", found.pids(), found.cgroups(),
                found.unifiedPath(), found.cgroupId(), found.limits(), found.labels());
    }

    @Test
    void aFailedScanIsCountedWithItsError(@TempDir Path tmp) throws Exception {
        Path proc = tmp.resolve("no-proc-here");
        ContainerNames names = names(new HostPaths(proc, tmp));
        assertFalse(names.misses().any());
        assertNull(names.apply(REF));
        assertNull(names.apply(REF), "asked again while the scan runs or within the second: no second scan");
        names.awaitScans();
        ContainerNames.Misses m = names.misses();
        assertEquals(1, m.failedScans(), m.toString());
        assertEquals(0, m.unnamed(), m.toString());
        assertTrue(m.why().startsWith("cannot scan the processes for containers: ") && m.why().contains(proc.toString()), m.why());
        assertEquals(1, m.deferred(), "the second lookup waited for the next scan: counted");
        assertEquals("container names could not be resolved: 1 lookup failed, 1 lookup waited for the next scan ("
                + m.why() + "); those events have no"
                + " container.name or container.image", m.describe());
    }

    /**
     * A scan that ends in an Error (a StackOverflowError in a runtime's reply parser, say) is counted with its reason,
     * and the lookups waiting for it (prime, applyWaiting, awaitScans) return: before, the Error escaped before the
     * scan flag was cleared, and each of them waited forever.
     */
    @Test
    void aScanEndingInAnErrorIsCountedAndWakesTheWaiters() throws Exception {
        AtomicInteger scans = new AtomicInteger();
        ContainerNames names = new ContainerNames(() -> {
            scans.incrementAndGet();
            throw new StackOverflowError("injected");
        });
        Thread waiter = Thread.ofPlatform().daemon().start(() -> {
            try {
                names.prime();
                names.applyWaiting(REF);
                names.awaitScans();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.join(30_000);
        assertFalse(waiter.isAlive(), "prime/applyWaiting/awaitScans still wait for a scan that ended in an Error");
        ContainerNames.Misses m = names.misses();
        assertEquals(scans.get(), m.failedScans(), m.toString());
        assertEquals(2, scans.get(), "prime's scan and applyWaiting's");
        assertEquals("the scan for containers failed: java.lang.StackOverflowError: injected", m.why());
    }

    /**
     * The ring consumer's lookup (a filter on container fields) stops waiting for a scan that does not end (a hung
     * runtime: up to its socket timeout); the scan still counts it when it ends. Before, it waited as long as the scan.
     */
    @Test
    void aBoundedWaitReturnsWhileTheScanHangs() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ContainerNames names = new ContainerNames(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new java.io.IOException("runtime down");
        });
        java.util.concurrent.atomic.AtomicReference<ContainerInfo> got = new java.util.concurrent.atomic.AtomicReference<>();
        Thread consumer = Thread.ofPlatform().daemon().start(() -> {
            try {
                got.set(names.applyWaiting(REF, 50_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        consumer.join(30_000);
        boolean returned = !consumer.isAlive();
        release.countDown(); // the scan ends only now
        names.awaitScans();
        assertTrue(returned, "the bounded lookup still waits for a scan that has not ended");
        assertNull(got.get());
        assertEquals(1, names.misses().failedScans(), names.misses().toString());
        assertEquals(0, names.misses().deferred(), "counted once, by its scan");
    }

    @Test
    void aContainerNoRuntimeNamesIsCountedWithTheRuntimesNotice(@TempDir Path tmp) throws Exception {
        ContainerNames names = namesOverOneDockerContainer(tmp);
        assertNull(names.apply(REF), "no scan has met it: the lookup starts one and answers at once");
        names.awaitScans();
        ContainerInfo c = names.apply(REF);
        assertEquals(List.of(4242), c.pids(), "found in the process table");
        assertEquals("", c.name(), "but not named");
        assertEquals(1, names.misses().deferred(), "a found but unnamed container's lookup between scans is counted");
        ContainerNames.Misses m = names.misses();
        assertEquals(0, m.failedScans(), m.toString());
        assertEquals(1, m.unnamed(), m.toString());
        assertTrue(m.why().startsWith("container " + ID.substring(0, 12) + ": ") && m.why().contains(NO_SOCKET.toString()), m.why());
        assertTrue(m.describe().startsWith("container names could not be resolved: 1 lookup found no name, 1 lookup waited"), m.describe());
        ContainerRef gone = new ContainerRef(Runtime.DOCKER, "f".repeat(64), Optional.empty());
        assertNull(names.apply(gone), "a container no scan has met: asked at once, not there");
        names.awaitScans();
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
        assertNull(names.apply(REF));
        names.awaitScans();
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
     * timeout, on the scan thread: the consumer is not blocked at all. Asked about every millisecond while that scan
     * runs, every lookup returns (the consumer made progress before the scan ended: before, the first lookup ran the
     * scan itself, so none did), and over 5 s the container is scanned for once: the scan overdrew the scan budget (a
     * tenth of the time), so the next waits about 20 s; the lookups after the first are counted as deferred.
     */
    @Test
    void aHungRuntimeNeitherBlocksTheConsumerNorIsAskedAgainAndAgain(@TempDir Path tmp) throws Exception {
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
                return new ContainerDiscovery(paths, new RuntimeApis(List.of(sock))).scan();
            });
            long start = System.nanoTime();
            assertNull(names.apply(REF), "the lookup that starts the scan answers at once");
            int lookups = 1;
            int duringScan = 0;
            while (System.nanoTime() - start < 5_000_000_000L) {
                boolean scanRunning = names.misses().unnamed() == 0; // the scan counts its miss when it returns
                ContainerInfo c = names.apply(REF);
                lookups++;
                if (scanRunning && names.misses().unnamed() == 0) {
                    duringScan++; // returned while the hung runtime still held the scan
                }
                assertEquals("", c == null ? "" : c.name());
                Thread.sleep(1);
            }
            names.awaitScans();
            ContainerNames.Misses m = names.misses();
            assertTrue(duringScan > 0, "lookups that returned while the scan hung on the runtime: " + duringScan + " of " + lookups);
            assertEquals(1, m.unnamed(), "the scan ended and counted its miss: " + m);
            assertEquals(1, scans.get(), "one scan for " + lookups + " lookups in 5 s: " + m);
            assertEquals(lookups - 1, m.deferred(), m.toString());
            assertTrue(m.why().contains(sock.toString()), m.why());
        }
    }

    /**
     * A scan that names the container: its name is there for the lookups after the scan, {@link
     * ContainerNames#generation} changes (a writer describes the container then), and the lookup that started the scan,
     * which answered before the name came, is counted as deferred: its event has no name.
     */
    @Test
    void aNameFoundByTheScanArrivesForTheNextLookup(@TempDir Path tmp) throws Exception {
        ContainerInfo web = web(tmp);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ContainerNames names = new ContainerNames(() -> {
            try {
                release.await(); // a runtime that answers when the test says so
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException("interrupted");
            }
            return new io.boxscope.proc.container.Discovery(List.of(web), 0, 0, List.of());
        });
        long g = names.generation();
        assertNull(names.apply(REF), "answers before the runtime does");
        assertNull(names.named(ID));
        release.countDown();
        names.awaitScans();
        assertTrue(names.generation() != g, "a name arrived");
        assertEquals(web, names.named(ID));
        assertEquals(web, names.apply(REF));
        ContainerNames.Misses m = names.misses();
        assertEquals(new ContainerNames.Misses(0, 0, 1, ""), m, "the first lookup's event went without the name");
    }

    /**
     * A container a scan names for the first time is asked for its runtime details (privileged, mounts) once, on the
     * scan thread, before its name is published, so the file's description holds them; a later scan keeps them without
     * asking again; a runtime that cannot answer leaves the container described without them, counted and said. The
     * build before never asked (a privileged container was written privileged: false, with no mounts).
     */
    @Test
    void detailsAreAskedOnceWhenTheContainerIsFirstNamedAndAFailureIsCounted(@TempDir Path tmp) throws Exception {
        ContainerInfo web = web(tmp);
        io.boxscope.proc.container.RuntimeDetails d = new io.boxscope.proc.container.RuntimeDetails(true, true,
                List.of(new io.boxscope.proc.container.RuntimeDetails.Mount("/srv", "/srv", "ro", false, "rprivate")));
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        ContainerNames names = new ContainerNames(new ContainerNames.Scanner() {
            @Override
            public io.boxscope.proc.container.Discovery scan() {
                return new io.boxscope.proc.container.Discovery(List.of(web), 0, 0, List.of());
            }

            @Override
            public ContainerInfo details(ContainerInfo c) {
                asked.incrementAndGet();
                return c.withDetails(d);
            }
        });
        names.apply(REF);
        names.awaitScans();
        assertEquals(d, names.named(ID).details());
        assertEquals(1, asked.get());
        names.prime(); // no scan: one has run
        assertEquals(1, asked.get());

        ContainerNames failing = new ContainerNames(new ContainerNames.Scanner() {
            @Override
            public io.boxscope.proc.container.Discovery scan() {
                return new io.boxscope.proc.container.Discovery(List.of(web), 0, 0, List.of());
            }

            @Override
            public ContainerInfo details(ContainerInfo c) throws java.io.IOException {
                throw new java.io.IOException("cannot ask /var/run/docker.sock about container 6de102c1cecc: refused");
            }
        });
        failing.apply(REF);
        failing.awaitScans();
        assertEquals("web", failing.named(ID).name(), "named all the same");
        assertEquals(io.boxscope.proc.container.RuntimeDetails.UNKNOWN, failing.named(ID).details());
        ContainerNames.Misses m = failing.misses();
        assertEquals(1, m.undetailed());
        assertTrue(m.describe().contains("1 container is described without privileged and mounts (cannot ask"
                + " /var/run/docker.sock about container 6de102c1cecc: refused)"), m.describe());
    }
}
