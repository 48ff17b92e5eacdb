package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.RunningContainers;
import io.boxscope.trace.filter.ServiceNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code container.name=X and evt.type=openat and evt.failed=true}, live: a busybox container opens a
 * missing file exactly {@link #OPENS} times (told to start through a bind-mounted file) while a host process opens the same path; only the
 * container's opens appear, the kernel decides the container (its cgroup id) and failed-only.
 */
@DockerTest
class LiveCaptureDockerTest {
    private static final int OPENS = 4;

    @Test
    void aContainerFilterCatchesOnlyThatContainersEvents(@TempDir Path sync) throws Exception {
        String name = "boxscope-test-tracelive-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        String missing = "/missing-" + name;
        // the shell waits for /tmp/go, then opens the missing file OPENS times, each in a subshell (a failed
        // redirection ends a non-interactive shell)
        String script = "while [ ! -e /sync/go ]; do sleep 0.05; done; i=0; while [ $i -lt " + OPENS + " ]; do "
                + "( : < " + missing + " ) 2>/dev/null; i=$((i+1)); done; sleep 300";
        try (Docker.Container c = Docker.start(name, List.of("-v", sync + ":/sync"), "sh", "-c", script)) {
            // busybox's libc opens with open(2) where glibc uses openat(2)
            String text = "container.name=" + name + " and evt.type in (open, openat) and evt.failed=true";
            Filter f = Filter.compile(text, ServiceNames.none());
            PushDown.Split split = PushDown.split(f, SyscallTable.current(), EventTable.sysdig(),
                    new RunningContainers(ContainerDiscovery.of(HostPaths.DEFAULT).scan()));
            assertTrue(split.kernel().cgroupIds() != null && split.kernel().cgroupIds().size() == 1, split.describe());
            assertTrue(split.kernel().failedOnly(), split.describe());
            try (LiveCapture cap = LiveCapture.start(new LiveCapture.Options(HostPaths.DEFAULT, f, split.kernel(),
                    LiveCapture.DEFAULT_SNAPLEN, 1 << 22, 0, null, true))) {
                List<String> lines = Collections.synchronizedList(new ArrayList<>());
                long[] stopAt = {Long.MAX_VALUE};
                Thread t = new Thread(() -> {
                    try {
                        cap.run((e, line, num) -> line == null || lines.add(line), () -> System.nanoTime() > stopAt[0]);
                    } catch (Exception e) {
                        lines.add("FAILED: " + e);
                    }
                });
                t.start();
                // the host opens the same missing path: it must not appear
                Process host = new ProcessBuilder("perl", "-e", "for (1..3) { open(my $f, '<', '" + missing + "'); }").start();
                assertTrue(host.waitFor(30, TimeUnit.SECONDS));
                Files.createFile(sync.resolve("go")); // not docker exec: runc's init would open files in the container
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (lines.size() < OPENS && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(300); // anything more would show up now
                stopAt[0] = System.nanoTime();
                t.join(30_000);
                List<String> snapshot = new ArrayList<>(lines);
                assertEquals(OPENS, snapshot.size(), String.join("\n", snapshot));
                for (String l : snapshot) {
                    assertTrue(l.matches(".* < open(at)? fd=-2\\(ENOENT\\) .*") && l.contains(" name=" + missing + " "), l);
                }
                assertEquals(OPENS, cap.summary().syscallRecords(), "the kernel passed only the container's failed opens: "
                        + cap.summary());
            }
        }
    }
}
