package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.output.Output;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * A program that prints the {@code container} builtin scans the host's containers once its records are first read,
 * not while it loads and attaches: a tool prints its header between attaching and its first read, and the scan's
 * thread took CPU from loading, attaching and the JIT before it (docs/benchmarks.md, "Start-up: JIT thresholds and
 * the container scan"). The records that fired before the first read still print their container.
 */
@KernelTest
class ContainerScanOrderKernelTest {
    private static final int N = 3;

    @Test
    void theContainerScanStartsAtTheFirstReadAndEveryRecordPrintsItsContainer() throws Exception {
        int tid = Sys.gettid();
        CompiledScript s = Scripts.compile(new SourceText("stdin",
                        "tracepoint:syscalls:sys_enter_getpid /tid == " + tid + "/ { printf(\"C %s\\n\", container); }"),
                Path.of("/sys"), new CheckOptions(false, List.of()));
        long before = ValueDecoder.scansStarted();
        StringBuilder out = new StringBuilder();
        try (ProbeSession session = ProbeSession.load(s, Output.text(), "stdin")) {
            session.attach();
            assertEquals(before, ValueDecoder.scansStarted(), "no container scan started by loading and attaching");
            for (int i = 0; i < N; i++) {
                Sys.getpid(); // fires before the first read, as a tool's start-up records do
            }
            session.begin(out::append);
            assertEquals(before + 1, ValueDecoder.scansStarted(), "one scan, started by the first read");
            for (int i = 0; i < 50 && out.toString().lines().filter(l -> l.startsWith("C ")).count() < N; i++) {
                session.poll(Duration.ofMillis(20), out::append);
            }
            session.poll(Duration.ofMillis(20), out::append);
        }
        List<String> lines = out.toString().lines().filter(l -> l.startsWith("C ")).toList();
        assertEquals(N, lines.size(), out.toString());
        // this process's cgroup v2 id (its directory's inode), printed as a number unless the tests run in a container,
        // whose name is printed instead
        String path = java.nio.file.Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                .filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(3);
        long id = (Long) java.nio.file.Files.getAttribute(Path.of("/sys/fs/cgroup" + path), "unix:ino");
        for (String l : lines) {
            String printed = l.substring(2);
            assertEquals(true, printed.equals(Long.toString(id)) || !printed.chars().allMatch(Character::isDigit),
                    l + " for cgroup " + path + " (id " + id + ")");
        }
        assertEquals(before + 1, ValueDecoder.scansStarted(), "no further scan");
    }
}
