package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import io.boxscope.diagnose.Diagnose;
import io.boxscope.diagnose.Diagnosis;
import io.boxscope.diagnose.Metrics;
import io.boxscope.diagnose.Target;
import io.boxscope.diagnose.Targets;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupSandbox;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * {@code diagnose --interval}: one line per interval while the window runs, then the diagnosis; with
 * --json every line is one JSON object (NDJSON). The target is a busy shell this test starts, read
 * from /proc only (--no-ebpf), so the interval lines must see it on a CPU.
 *
 * <p>Then targets whose life does not cover the window (benchmarks/diagnose-overhead found them): a
 * process started just before it, one exiting during it, a cgroup whose process starts at its start,
 * and a process gone before it. A single-threaded busy loop can use at most one CPU, and no target
 * more than the machine's online CPUs ({@code getconf _NPROCESSORS_ONLN}, not diagnose's own count).
 */
class DiagnoseLiveTest {
    @Test
    void printsALinePerIntervalThenTheDiagnosis() throws Exception {
        Process busy = new ProcessBuilder("/bin/sh", "-c", "while :; do :; done").start();
        try {
            Cli r = Cli.run("--json", "diagnose", "--no-ebpf", "--duration", "2s", "--interval", "500ms",
                    Long.toString(busy.pid()));
            assertEquals(0, r.code(), r.err() + r.out());
            List<String> lines = r.out().lines().toList();
            // 2 s in 500 ms intervals: 4 live lines (3 when the last falls on the window's end), then the diagnosis.
            assertTrue(lines.size() >= 4 && lines.size() <= 5, r.out());
            for (String l : lines.subList(0, lines.size() - 1)) {
                Map<String, Object> o = Json.asObject(Json.parse(l));
                assertTrue(o.containsKey("verdict") && o.containsKey("t_s"), l);
                assertTrue(((Number) Json.asObject(o.get("state_share")).get("running")).doubleValue() > 0, l);
            }
            Map<String, Object> last = Json.asObject(Json.parse(lines.getLast()));
            assertEquals((long) busy.pid(), Json.asObject(last.get("target")).get("pid"));
            Cli text = Cli.run("diagnose", "--no-ebpf", "--duration", "1s", "--interval", "500ms", Long.toString(busy.pid()));
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("VERDICT (confidence)") && text.out().contains("\nVERDICT     "), text.out());
        } finally {
            busy.destroyForcibly().waitFor();
        }
    }

    static final String BUSY = "while :; do :; done";

    /** The machine's online CPUs, asked of getconf (not of the code under test). */
    static int onlineCpus() throws Exception {
        Process p = new ProcessBuilder("getconf", "_NPROCESSORS_ONLN").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, p.waitFor());
        return Integer.parseInt(out);
    }

    /** CPUs used within (0, max], and the busy shell named among the commands with a share above 0. */
    static void assertBusyShellMeasured(Metrics m, double max) throws Exception {
        String all = m.cpuCores() + " CPUs, top " + m.topCommsByCpu();
        assertTrue(m.cpuCores() > 0 && m.cpuCores() <= max, all);
        assertTrue(m.cpuCores() <= onlineCpus(), all);
        assertTrue(m.topCommsByCpu().getOrDefault("sh", 0.0) > 0, all);
    }

    @Test
    void aProcessStartedJustBeforeTheWindowIsMeasuredAlone() throws Exception {
        // A second busy loop beside it shares its cgroup (outside containers: often the root, the whole
        // host): the target's CPU is its own, at most 1 CPU for one thread, never the cgroup's.
        Process other = new ProcessBuilder("/bin/sh", "-c", BUSY).start();
        Process busy = new ProcessBuilder("/bin/sh", "-c", BUSY).start();
        try {
            Cli r = Cli.run("--json", "diagnose", "--no-ebpf", "--duration", "2s", Long.toString(busy.pid()));
            assertEquals(0, r.code(), r.err() + r.out());
            Map<String, Object> d = Json.asObject(Json.parse(r.out()));
            Map<String, Object> cpu = Json.asObject(d.get("cpu"));
            double used = ((Number) cpu.get("used_cpus")).doubleValue();
            assertTrue(used > 0 && used <= 1.05 && used <= onlineCpus(), r.out());
            boolean named = Json.asList(cpu.get("top_commands")).stream().map(Json::asObject)
                    .anyMatch(c -> c.get("command").equals("sh") && ((Number) c.get("used_cpus")).doubleValue() > 0);
            assertTrue(named, r.out());
            assertEquals(1L, Json.asObject(d.get("threads")).get("processes"), r.out());
        } finally {
            busy.destroyForcibly().waitFor();
            other.destroyForcibly().waitFor();
        }
    }

    @Test
    @KernelTest
    void aProcessExitingDuringTheWindow() throws Exception {
        Process busy = new ProcessBuilder("/bin/sh", "-c", BUSY).start();
        try {
            Target t = Targets.resolve(Long.toString(busy.pid()), HostPaths.DEFAULT, ContainerDiscovery.of(HostPaths.DEFAULT));
            // With the eBPF collectors, as benchmarks/diagnose-overhead runs it; killed once the window has run 300 ms.
            Diagnosis d = Diagnose.run(t, HostPaths.DEFAULT, Duration.ofSeconds(30), Duration.ofMillis(100), true,
                    Duration.ofMillis(300), live -> busy.destroyForcibly());
            assertTrue(d.targetExited(), d.verdict().toString());
            assertTrue(d.metrics().seconds() < 20, "the window ends when the target exits: " + d.metrics().seconds());
            assertBusyShellMeasured(d.metrics(), 1.05);
            assertTrue(d.verdict().unmeasured().stream().anyMatch(u -> u.contains("exited")), d.verdict().toString());
        } finally {
            busy.destroyForcibly().waitFor();
        }
    }

    @Test
    @KernelTest
    void aCgroupWhoseProcessStartsAtTheWindowsStart() throws Exception {
        try (CgroupSandbox box = CgroupSandbox.create(HostPaths.DEFAULT, "boxscope-test-live-" + ProcessHandle.current().pid(),
                OptionalDouble.empty(), OptionalLong.empty())) {
            Target t = Targets.resolve(box.path(), HostPaths.DEFAULT, ContainerDiscovery.of(HostPaths.DEFAULT));
            AtomicReference<Process> started = new AtomicReference<>();
            Diagnosis d = Diagnose.run(t, HostPaths.DEFAULT, Duration.ofSeconds(3), Duration.ofMillis(100), false,
                    Duration.ofMillis(100), live -> {
                        if (started.get() == null) {
                            try {
                                started.set(box.start(BUSY));
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    });
            assertTrue(started.get() != null, "the window ran no interval");
            assertTrue(d.metrics().processes() >= 1, d.verdict().toString());
            assertBusyShellMeasured(d.metrics(), 1.05);
        }
    }

    @Test
    void aProcessGoneBeforeTheWindowIsAnErrorNotAVerdict() throws Exception {
        Process brief = new ProcessBuilder("/bin/sh", "-c", "sleep 60").start();
        Target t = Targets.resolve(Long.toString(brief.pid()), HostPaths.DEFAULT, ContainerDiscovery.of(HostPaths.DEFAULT));
        brief.destroyForcibly().waitFor();
        IOException e = assertThrows(IOException.class,
                () -> Diagnose.run(t, HostPaths.DEFAULT, Duration.ofSeconds(1), Duration.ofMillis(100), false));
        assertTrue(e.getMessage().contains("exited before the window started"), e.getMessage());
    }
}
