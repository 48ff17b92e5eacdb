package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * boxscope hardirqs, softirqs and runqlen as a user runs them: libbpf-tools' text layout, usage
 * errors (exit 2), and --container refused by the interrupt tools with the reason.
 */
class IrqToolCommandsTest {

    @Test
    void helpEndsWithExamplesAndSaysInterruptsAreSystemWide() {
        for (String tool : List.of("hardirqs", "softirqs", "runqlen")) {
            Cli r = Cli.run(tool, "--help");
            assertEquals(0, r.code(), tool);
            assertTrue(r.out().contains("EXAMPLES"), tool + ": " + r.out());
        }
        // where the help wraps is picocli's: the sentence is read with its line breaks as spaces
        for (String tool : List.of("hardirqs", "softirqs")) {
            String help = Cli.run(tool, "--help").out().replace('\n', ' ');
            assertTrue(help.contains("interrupts are not per container, so --container is refused"), help);
        }
    }

    @Test
    void usageErrors() {
        for (String tool : List.of("hardirqs", "softirqs")) {
            Cli r = Cli.run(tool, "--container", "web", "1", "1");
            assertEquals(2, r.code(), tool + ": " + r.err());
            assertTrue(r.err().contains("interrupts are not per container"), r.err());
            assertEquals(2, Cli.run(tool, "-C", "-d", "1", "1").code(), tool + " -C -d");
            assertEquals(2, Cli.run(tool, "1", "2", "3").code());
            assertEquals(2, Cli.run(tool, "0").code());
        }
        Cli cg = Cli.run("hardirqs", "-c", "/sys/fs/cgroup", "1", "1");
        assertEquals(2, cg.code());
        assertTrue(cg.err().contains("-c/--cgroup: interrupts are not per container"), cg.err());
        assertEquals(2, Cli.run("runqlen", "-f", "0", "1", "1").code());
        assertEquals(io.boxscope.cli.ExitCode.FAILURE, Cli.run("runqlen", "--container", "boxscope-test-no-such-container", "1", "1").code()); // docs/cli.md
    }

    @Test
    @KernelTest
    void hardirqsLayout() {
        Cli r = Cli.run("hardirqs", "-C", "1", "1");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("Tracing hard irq events... Hit Ctrl-C to end.", lines.get(0));
        assertEquals("", lines.get(1));
        assertEquals("HARDIRQ                    TOTAL_count", lines.get(2));
    }

    @Test
    @KernelTest
    void softirqsLayout() {
        Cli r = Cli.run("softirqs", "-C", "1", "1");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("Tracing soft irq event time... Hit Ctrl-C to end.", lines.get(0));
        assertEquals("", lines.get(1));
        assertEquals("SOFTIRQ          TOTAL_usecs  TOTAL_count", lines.get(2));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("timer ") || l.startsWith("rcu ") || l.startsWith("sched ")), r.out());
    }

    /** 99 Hz on every CPU for a second: per CPU "cpu = N" and its histogram (runqlen.c prints every possible CPU). */
    @Test
    @KernelTest
    void runqlenLayout() {
        Cli r = Cli.run("runqlen", "-C", "1", "1");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("Sampling run queue length... Hit Ctrl-C to end.", lines.get(0));
        assertEquals("", lines.get(1));
        assertEquals("cpu = 0", lines.get(2));
        assertEquals("     runqlen       : count     distribution", lines.get(3));
        assertEquals(io.boxscope.bpf.sys.Cpus.possible(), lines.stream().filter(l -> l.startsWith("cpu = ")).count());
        Cli o = Cli.run("runqlen", "-O", "1", "1");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().lines().toList().get(2).matches("runqocc: \\d+\\.\\d\\d%"), o.out());
    }
}
