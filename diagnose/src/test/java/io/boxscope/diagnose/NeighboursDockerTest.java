package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * A target container, a busy neighbour and an idle one: over a window the busy one is named first
 * among the target's neighbours, with more CPU than the idle one, and the target is not its own
 * neighbour. Relative figures only: how much CPU a busy loop gets depends on the machine's load.
 * And the neighbours' counters start with the window ({@link Neighbours.Watch#begin}), not when the
 * containers are found (before diagnose loads its collectors, seconds earlier on a busy machine).
 */
@DockerTest
class NeighboursDockerTest {
    /** A suffix for the containers' names: the test's own, beside any other run's. */
    private static String tag() {
        return Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    }

    /** A container {@code boxscope-test-neigh-NAME} that sleeps 120 s (uses no CPU). */
    private static Docker.Container sleeping(String name) {
        return Docker.start("boxscope-test-neigh-" + name, List.of(), "sleep", "120");
    }

    /** A container {@code boxscope-test-neigh-NAME} that spins (a busy loop: a CPU's worth when it gets one). */
    private static Docker.Container spinning(String name) {
        return Docker.start("boxscope-test-neigh-" + name, List.of(), "sh", "-c", "while :; do :; done");
    }

    /** A container target of {@code c}, as diagnose makes one. */
    private static Target target(ContainerInfo c) {
        return new Target(Target.Kind.CONTAINER, c.displayName(), Optional.of(c), c.cgroups(), OptionalInt.empty());
    }

    @Test
    void theBusyNeighbourIsNamed() throws Exception {
        String tag = tag();
        try (Docker.Container target = sleeping("target-" + tag);
                Docker.Container busy = spinning("busy-" + tag);
                Docker.Container idle = sleeping("idle-" + tag)) {
            HostPaths paths = HostPaths.DEFAULT;
            ContainerInfo t = ContainerDiscovery.of(paths).locate(target.id());
            Target tt = target(t);
            Neighbours.Watch w = Neighbours.Watch.start(paths, tt);
            w.begin();
            Thread.sleep(2000);
            Neighbours n = w.finish();
            assertTrue(n.problems().isEmpty(), n.problems().toString());
            assertTrue(n.measured().stream().noneMatch(x -> x.id().equals(target.id())), "the target is not its own neighbour: " + n);
            Neighbours.Neighbour b = n.measured().stream().filter(x -> x.id().equals(busy.id())).findFirst()
                    .orElseThrow(() -> new AssertionError("the busy container is not among the top neighbours: " + n));
            assertTrue(b.sharesCpus(), "no cpuset was set: every container shares every CPU: " + b);
            double idleCpus = n.measured().stream().filter(x -> x.id().equals(idle.id())).mapToDouble(Neighbours.Neighbour::usedCpus)
                    .findFirst().orElse(0);
            assertTrue(b.usedCpus() > idleCpus, "busy " + b.usedCpus() + " vs idle " + idleCpus);
            assertTrue(n.hostBusyCpus() + 0.05 >= b.usedCpus(), "the host was at least as busy as one of its containers: " + n);
            assertTrue(n.hostCpus() >= 1, n.toString());
        }
    }

    /**
     * A neighbour busy between {@code start} (containers found) and {@code begin} (the window starts), then
     * frozen (docker pause: the cgroup freezer stops its tasks, its cgroup and its CPU counter stay): its CPU
     * time in the window is nil, so it used no CPU in the window. When the counters were read at {@code start},
     * the busy time before the window counted (~0.5 CPUs here).
     */
    @Test
    void cpuUsedBeforeTheWindowIsNotCounted() throws Exception {
        String tag = tag();
        try (Docker.Container target = sleeping("target-" + tag);
                Docker.Container busy = spinning("busy-" + tag)) {
            HostPaths paths = HostPaths.DEFAULT;
            ContainerInfo t = ContainerDiscovery.of(paths).locate(target.id());
            Target tt = target(t);
            Neighbours.Watch w = Neighbours.Watch.start(paths, tt);
            ContainerInfo b = ContainerDiscovery.of(paths).locate(busy.id());
            long spent0 = new Sampler(target(b), paths).cpuUsageNs().orElseThrow();
            long spent;
            long deadline = System.nanoTime() + 30_000_000_000L;
            do { // at least 0.3 s of CPU before the window, however busy the machine
                Thread.sleep(200);
                spent = new Sampler(target(b), paths).cpuUsageNs().orElseThrow() - spent0;
            } while (spent < 300_000_000L && System.nanoTime() < deadline);
            assertTrue(spent >= 300_000_000L, "the busy loop got " + spent + " ns of CPU in 30 s");
            Docker.run("pause", busy.id());
            try {
                w.begin();
                Thread.sleep(1000);
                Neighbours n = w.finish();
                Neighbours.Neighbour x = n.measured().stream().filter(y -> y.id().equals(busy.id())).findFirst()
                        .orElseThrow(() -> new AssertionError("the paused container is not among the neighbours: " + n));
                assertEquals(0.0, x.usedCpus(), 0.001, "frozen for the whole window, yet " + x.usedCpus() + " CPUs; "
                        + spent / 1e9 + " s of CPU before it");
            } finally {
                Docker.run("unpause", busy.id());
            }
        }
    }
    /**
     * A container target's neighbours are watched in the scan that found the target (issue 15: diagnose made a second
     * scan of every process a few milliseconds later, ~40-50 ms of its CPU): {@link Targets#resolve} hands its scan
     * over once for a container (never for a PID), and a watch started in it has the containers of that scan, the busy
     * neighbour measured, and not one started after it (a second scan would have found that one; busy too, so that it
     * would be among the {@link Neighbours#TOP} shown).
     */
    @Test
    void aContainerTargetsScanIsTheOneWatched() throws Exception {
        String tag = tag();
        try (Docker.Container target = sleeping("target-" + tag);
                Docker.Container busy = spinning("busy-" + tag)) {
            HostPaths paths = HostPaths.DEFAULT;
            List<io.boxscope.proc.container.Discovery> scans = new java.util.ArrayList<>();
            Target tt = Targets.resolve(target.id(), paths, ContainerDiscovery.of(paths), scans::add);
            assertEquals(1, scans.size(), "one scan handed over for a container target");
            assertEquals(target.id(), tt.container().orElseThrow().ref().id());
            Targets.resolve(Long.toString(ProcessHandle.current().pid()), paths, ContainerDiscovery.of(paths), scans::add);
            assertEquals(1, scans.size(), "a PID target is resolved without a scan");
            try (Docker.Container late = spinning("late-" + tag)) {
                Neighbours.Watch w = Neighbours.Watch.start(paths, tt, Optional.of(scans.getFirst()));
                w.begin();
                Thread.sleep(1000);
                Neighbours n = w.finish();
                assertTrue(n.problems().isEmpty(), n.problems().toString());
                assertTrue(n.top().stream().anyMatch(x -> x.id().equals(busy.id()) && x.usedCpus() > 0),
                        "the busy neighbour of the scan is measured: " + n);
                assertTrue(n.top().stream().noneMatch(x -> x.id().equals(late.id())),
                        "a container started after the scan is not watched (no second scan): " + n);
                assertTrue(n.top().stream().noneMatch(x -> x.id().equals(target.id())), "the target is not its own neighbour: " + n);
            }
        }
    }
}
