package io.boxscope.cli.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.Main;
import org.junit.jupiter.api.Test;

/** {@code mem container}'s errors through Main: exit code 2 and exactly one line on stderr. */
class ContainerMemCommandTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void oneLineUsageError(Result r, String contains) {
        oneLineError(r, ExitCode.USAGE, contains);
    }

    /** A container that does not exist: exit 1, as a PID that does not exist (docs/cli.md, "Exit codes"). */
    static void oneLineNotFound(Result r, String contains) {
        oneLineError(r, ExitCode.FAILURE, contains);
    }

    static void oneLineError(Result r, int code, String contains) {
        assertEquals(code, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("boxscope: ") && r.err().contains(contains), r.err());
    }

    /** A name no container on this host has (other runs' containers are named boxscope-test-*). */
    static final String NOSUCH = "boxscope-nosuch-" + ProcessHandle.current().pid();

    @Test
    void unknownContainerIsOneLineWithTheContainersThatExist() {
        Result r = run("mem", "container", NOSUCH);
        oneLineNotFound(r, "no container named '" + NOSUCH + "' (");
        assertTrue(r.err().contains(" (running: ") || r.err().contains(" (no containers are running on this host)"), r.err());
    }

    @Test
    void unknownContainerNameIsEscaped() {
        Result r = run("mem", "container", NOSUCH + "\u001b[31m\nforged");
        oneLineNotFound(r, NOSUCH + "\\x1b[31m\\x0aforged");
        assertFalse(r.err().contains("\u001b"), r.err());
    }

    @Test
    void twoDifferentContainersIsAUsageError() {
        // Both places the global option may go: after the subcommand and before it.
        oneLineUsageError(run("mem", "container", "a", "--container", "b"), "two containers given: NAME 'a' and --container 'b'");
        oneLineUsageError(run("--container", "b", "mem", "container", "a"), "two containers given");
    }

    @Test
    void theSameContainerTwiceIsFine() {
        // Not a usage error about the two: the lookup runs, and finds nothing of that name.
        Result r = run("mem", "container", NOSUCH, "--container", NOSUCH);
        oneLineNotFound(r, "no container named '" + NOSUCH + "'");
        assertFalse(r.err().contains("two containers"), r.err());
    }

    @Test
    void noContainerAtAll() {
        oneLineUsageError(run("mem", "container"), "which container?");
    }
}
