package io.boxscope.cli.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/** {@code probe --dry-run}: compile, load, attach, detach; nothing of the program runs. */
@KernelTest
class ProbeDryRunCommandTest {
    @Test
    void attachesEverySyscallTracepointThenExitsWithoutRunningBeginOrEnd() {
        Cli r = Cli.run("probe", "--dry-run", "-e", "BEGIN { printf(\"begin\\n\"); } "
                + "tracepoint:syscalls:sys_enter_* { @[probe] = count(); } END { printf(\"end\\n\"); }");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("Attaching \\d+ probes\\.\\.\\.\n"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void aProgramTheKernelCannotAttachFailsLikeARealRun() {
        Cli r = Cli.run("probe", "--dry-run", "-e", "uprobe:/usr/bin/true:no_such_function_here { @ = count(); }");
        // A uprobe on a function the file lacks is skipped as bpftrace 0.17 skips it; with nothing left the
        // program is refused before anything loads ("No probes to attach", a resolution error like an
        // unknown probe type: exit 2; bpftrace exits 1 for every error), with or without --dry-run.
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains("No probes to attach") && r.err().contains("no_such_function_here"), r.err());
    }

    @Test
    void theCommandDoesNotRun() {
        Cli r = Cli.run("probe", "--dry-run", "-c", "/usr/bin/false", "-e", "tracepoint:syscalls:sys_enter_getppid { @ = count(); }");
        assertEquals(0, r.code(), r.err());
        assertEquals("Attaching 1 probe...\n", r.out());
    }
}
