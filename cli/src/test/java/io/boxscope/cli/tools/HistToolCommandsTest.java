package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * boxscope biolatency, runqlat, biosnoop, cachestat and funccount as a user runs them: libbpf-tools'
 * text layout, usage errors (exit 2), and what this kernel cannot do (exit 1, one line).
 */
class HistToolCommandsTest {

    @Test
    void helpEndsWithExamples() {
        for (String tool : List.of("biolatency", "runqlat", "biosnoop", "bitesize", "cachestat", "cpudist", "funccount")) {
            Cli r = Cli.run(tool, "--help");
            assertEquals(0, r.code(), tool);
            assertTrue(r.out().contains("EXAMPLES"), tool + ": " + r.out());
        }
    }

    @Test
    void usageErrors() {
        assertEquals(io.boxscope.cli.ExitCode.FAILURE, Cli.run("biolatency", "-d", "no-such-disk", "1", "1").code()); // docs/cli.md
        assertEquals(2, Cli.run("biolatency", "1", "2", "3").code());
        assertEquals(2, Cli.run("biolatency", "0").code());
        assertEquals(2, Cli.run("runqlat", "-P", "-L", "1", "1").code());
        assertEquals(2, Cli.run("biosnoop", "-p", "1").code());
        assertEquals(2, Cli.run("funccount", "x:a:b").code());
        assertEquals(2, Cli.run("funccount").code());
        assertEquals(2, Cli.run("cachestat", "--pid", "1").code(), "cachestat has no -p");
    }

    /**
     * A word that is not a number where an interval, a count or a duration goes says which it is, in one line, exit 2
     * (libbpf-tools' filetop: "invalid interval"); it used to be "Unmatched argument at index 1: 'abc'".
     */
    @Test
    void aNonNumericIntervalOrCountSaysWhichItIs() {
        for (String tool : List.of("biolatency", "runqlat", "runqlen", "bitesize", "cachestat", "cpudist", "filetop",
                "hardirqs", "softirqs")) {
            Cli interval = Cli.run(tool, "abc");
            assertEquals(2, interval.code(), tool + ": " + interval.err());
            assertEquals("boxscope: invalid interval: 'abc' is not a whole number (seconds, above 0)", interval.err().strip(), tool);
            Cli count = Cli.run(tool, "1", "x\u001b[31m");
            assertEquals(2, count.code(), tool + ": " + count.err());
            assertEquals("boxscope: invalid count: 'x\\x1b[31m' is not a whole number (above 0)", count.err().strip(), tool);
            assertEquals("", interval.out() + count.out(), tool);
        }
        Cli biosnoop = Cli.run("biosnoop", "ten");
        assertEquals(2, biosnoop.code(), biosnoop.err());
        assertEquals("boxscope: invalid duration: 'ten' is not a whole number (seconds, above 0)", biosnoop.err().strip());
        // Escaped once, by Main: a disk name's escape shows as \x1b, not \\x1b.
        Cli disk = Cli.run("biolatency", "-d", "sd\u001bz", "1", "1");
        assertTrue(disk.err().startsWith("boxscope: no disk sd\\x1bz in "), disk.err());
    }

    /** interval 1, count 1: libbpf-tools' layout, "Tracing ...", a blank line, then the histogram (or nothing when empty). */
    @Test
    @KernelTest
    void runqlatLayout() {
        Cli r = Cli.run("runqlat", "1", "1");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("Tracing run queue latency... Hit Ctrl-C to end.", lines.get(0));
        assertEquals("", lines.get(1));
        assertEquals("     usecs               : count    distribution", lines.get(2), r.out());
        assertEquals("         0 -> 1          : ", lines.get(3).substring(0, 27));
    }

    @Test
    @KernelTest
    void funccountLayoutAndKprobes() {
        Cli r = Cli.run("funccount", "-d", "1", "t:syscalls:sys_enter_getpid");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("Tracing 1 functions for \"t:syscalls:sys_enter_getpid\"... Hit Ctrl-C to end.", lines.get(0));
        assertEquals("", lines.get(1));
        assertEquals(String.format("%-36s %8s", "FUNC", "COUNT"), lines.get(2));
        assertEquals("Detaching...", lines.getLast());
        if (!io.boxscope.bpf.feature.Features.attach(io.boxscope.bpf.feature.AttachKind.KPROBE).isSupported()) {
            Cli k = Cli.run("funccount", "vfs_read");
            assertEquals(1, k.code());
            assertEquals(1, k.err().lines().count(), k.err());
            assertTrue(k.err().contains("'t:syscalls:sys_enter_read'"), k.err());
        }
    }

    @Test
    @KernelTest
    void cachestatLayout() {
        Cli r = Cli.run("cachestat", "-T", "1", "2");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("TIME         HITS   MISSES  DIRTIES HITRATIO   BUFFERS_MB  CACHED_MB", lines.get(0));
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(1).matches("\\d\\d:\\d\\d:\\d\\d +\\d+ +\\d+ +\\d+ +\\d+\\.\\d\\d% +\\d+ +\\d+"), lines.get(1));
    }
}
