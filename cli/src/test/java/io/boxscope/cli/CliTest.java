package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import io.boxscope.proc.container.UnknownContainerException;
import picocli.CommandLine;

class CliTest {
    @Test
    void version() {
        Cli r = Cli.run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("boxscope "), r.out());
    }

    /** Every command, at every depth, documents itself and ends its help with EXAMPLES. */
    @TestFactory
    List<DynamicTest> everyHelpEndsWithExamples() {
        List<DynamicTest> tests = new ArrayList<>();
        collect(Commands.commandLine(), new ArrayList<>(), tests);
        assertTrue(tests.size() >= 4);
        return tests;
    }

    private static void collect(CommandLine cl, List<String> path, List<DynamicTest> tests) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        tests.add(DynamicTest.dynamicTest(String.join(" ", args), () -> {
            // picocli reports a malformed help string (e.g. an unescaped %) on System.err.
            java.io.PrintStream stderr = System.err;
            java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
            Cli r;
            try {
                System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
                r = Cli.run(args.toArray(String[]::new));
            } finally {
                System.setErr(stderr);
            }
            assertEquals("", warnings.toString(java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(0, r.code(), r.err());
            String help = r.out().strip();
            if (path.equals(List.of("sysbench"))) {
                // the drop-in's --help is sysbench 1.0.20's own, line for line (SysbenchDropInTest)
                assertTrue(help.startsWith("Usage:\n  sysbench [options]... [testname] [command]"), help);
                return;
            }
            int examples = help.lastIndexOf("\nEXAMPLES\n");
            assertTrue(examples > 0, "no EXAMPLES section in:\n" + help);
            assertTrue(help.substring(examples).lines().count() >= 2, "EXAMPLES is empty");
        }));
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getValue().getCommandSpec().aliases().length > 0
                    && List.of(e.getValue().getCommandSpec().aliases()).contains(e.getKey())) {
                continue;
            }
            if (e.getValue().getCommandSpec().name().equals(e.getKey())) {
                List<String> sub = new ArrayList<>(path);
                sub.add(e.getKey());
                collect(e.getValue(), sub, tests);
            }
        }
    }

    @Test
    void usageErrorsExitTwo() {
        Cli r = Cli.run("no-such-command");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("boxscope --help"), r.err());
        assertEquals(ExitCode.USAGE, Cli.run("containers", "--no-such-option").code());
        assertEquals(ExitCode.USAGE, Cli.run("containers", "--pid", "abc").code());
        assertEquals(ExitCode.USAGE, Cli.run().code());
    }

    /**
     * A mistyped option is named with the closest option the command has (the walk of session 32: {@code diagnose
     * --duraton 5 X} said "Unknown options: '--duraton', 'X'", 5 taken as the target), exit 2; one way for every
     * command (Main's parameter error handler).
     */
    @Test
    void aMistypedOptionIsNamedWithTheClosestOne() {
        Cli r = Cli.run("diagnose", "--duraton", "5", "X");
        assertEquals(ExitCode.USAGE, r.code(), r.err());
        assertEquals("boxscope: unknown option '--duraton' (did you mean '--duration'?)\n"
                + "Try 'boxscope diagnose --help' for more information.\n", r.err());
        Cli mem = Cli.run("mem", "pmap", "--extendd", "1");
        assertEquals(ExitCode.USAGE, mem.code(), mem.err());
        assertTrue(mem.err().startsWith("boxscope: unknown option '--extendd' (did you mean '--extended'?)\n"), mem.err());
        Cli none = Cli.run("containers", "--no-such-option=\u001b[31m");
        assertEquals(ExitCode.USAGE, none.code(), none.err());
        assertTrue(none.err().startsWith("boxscope: unknown option '--no-such-option'\n"), none.err());
    }

    @Test
    void missingPidExitsOneWithAClearMessage() {
        Cli r = Cli.run("containers", "--pid", "2147483647");
        assertEquals(ExitCode.FAILURE, r.code());
        assertTrue(r.err().contains("no process with PID 2147483647"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void unknownContainerExitsOneAndListsNames() {
        Cli r = Cli.run("containers", "--container", "no-such-container-\u001b[31m");
        assertEquals(ExitCode.FAILURE, r.code());
        assertTrue(r.err().contains("no container named"), r.err());
        assertTrue(r.err().contains("(running: ") || r.err().contains("(no containers are running on this host)"), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains("no-such-container-\\x1b[31m"), "escaped: " + r.err());
    }

    @Test
    void unknownContainerListIsOneShortEscapedLine() {
        // Oracle: the names given, escaped by hand.
        List<String> names = List.of("web", "db\nforged: line", "c", "d", "e", "f", "g");
        String line = Main.unknownContainer(new UnknownContainerException("no container named 'x\n'", names));
        assertEquals("no container named 'x\\x0a' (running: web, db\\x0aforged: line, c, d, e and 2 more)", line);
        assertEquals("no container named 'x' (no containers are running on this host)",
                Main.unknownContainer(new UnknownContainerException("no container named 'x'", List.of())));
    }

    @Test
    void ownPidIsFound() {
        long pid = ProcessHandle.current().pid();
        Cli r = Cli.run("--json", "containers", "--pid", Long.toString(pid));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"pid\": " + pid), r.out());
    }

    @Test
    void wrongProcRootIsAClearFailure() {
        Cli r = Cli.run("containers", "--proc-root", "/nonexistent-proc");
        assertEquals(ExitCode.FAILURE, r.code());
        assertTrue(r.err().contains("cannot read /nonexistent-proc"), r.err());
    }

    @Test
    void unknownProbeTypeIsAUsageError() {
        Cli r = Cli.run("probe", "-l", "bogus:*");
        assertEquals(ExitCode.USAGE, r.code());
        assertTrue(r.err().contains("unknown probe type 'bogus'"), r.err());
    }

    @Test
    void syscountOfAMissingPidFailsBeforeTracing() {
        Cli r = Cli.run("syscount", "-p", "2147483647", "-d", "1");
        assertEquals(ExitCode.FAILURE, r.code());
        assertTrue(r.err().contains("no process with PID 2147483647"), r.err());
    }

    @Test
    void completionScript() {
        Cli r = Cli.run("completion");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("complete -F"), r.out());
        assertTrue(r.out().contains("containers"));
    }

    @Test
    void terminalEscaping() {
        assertEquals("a\\x1b[31mb\\x0a", Text.safe("a\u001b[31mb\n"));
        assertEquals("plain name", Text.safe("plain name"));
        assertEquals("line 1\n\tline \\x1b2\n", Text.safeLines("line 1\n\tline \u001b2\n"));
        assertEquals("\n\npid = 1 x\n", Text.safeLines("\n\npid = 1 x\n"), "leading empty lines are kept (histogram reports start with them)");
        assertEquals("128MiB", Text.bytes(134217728));
        assertEquals("1.5GiB", Text.bytes(1610612736));
        assertEquals("0.5", Text.cpus(0.5));
        assertEquals("2", Text.cpus(2.0));
    }
}
