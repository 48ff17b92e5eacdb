package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.testkit.DockerTest;
import io.boxscope.testkit.FailingOpener;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.RunningContainers;
import io.boxscope.trace.filter.ServiceNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code container.name=X and evt.type=openat and evt.failed=true}, live: a busybox container opens a
 * missing file exactly {@link #OPENS} times ({@link FailingOpener}) while a host process opens the same path; only the
 * container's opens appear, the kernel decides the container (its cgroup id) and failed-only.
 */
@DockerTest
class LiveCaptureDockerTest {
    private static final int OPENS = 4;

    @Test
    void aContainerFilterCatchesOnlyThatContainersEvents(@TempDir Path sync) throws Exception {
        try (FailingOpener c = FailingOpener.start("boxscope-test-tracelive-", OPENS, sync)) {
            // busybox's libc opens with open(2) where glibc uses openat(2)
            String text = "container.name=" + c.name() + " and evt.type in (open, openat) and evt.failed=true";
            Filter f = Filter.compile(text, ServiceNames.none());
            PushDown.Split split = PushDown.split(f, SyscallTable.current(), EventTable.sysdig(),
                    new RunningContainers(ContainerDiscovery.of(HostPaths.DEFAULT).scan()));
            assertTrue(split.kernel().cgroupIds() != null && split.kernel().cgroupIds().size() == 1, split.describe());
            assertTrue(split.kernel().failedOnly(), split.describe());
            try (LiveCapture cap = LiveCapture.start(new LiveCapture.Options(HostPaths.DEFAULT, f, split.kernel(),
                    LiveCapture.DEFAULT_SNAPLEN, 1 << 22, 0, null, true))) {
                List<String> lines = Collections.synchronizedList(new ArrayList<>());
                Background capture = Background.start(stop -> cap.run((e, line, num) -> line == null || lines.add(line), stop));
                c.hostOpens(3); // the host opens the same missing path: it must not appear
                c.go();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (lines.size() < OPENS && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(300); // anything more would show up now
                capture.stop(Duration.ZERO);
                List<String> snapshot = new ArrayList<>(lines);
                assertEquals(OPENS, snapshot.size(), String.join("\n", snapshot));
                for (String l : snapshot) {
                    assertTrue(l.matches(".* < open(at)? fd=-2\\(ENOENT\\) .*") && l.contains(" name=" + c.missing() + " "), l);
                }
                // besides state-only records (the opens' entries, the container's other fd calls: docs/trace.md)
                assertEquals(OPENS, cap.summary().syscallRecords() - cap.stateRecords(),
                        "the kernel passed only the container's failed opens: " + cap.summary());
                assertTrue(cap.stateRecords() >= OPENS, cap.stateRecords() + " state-only records");
            }
        }
    }
}
