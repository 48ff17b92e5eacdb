package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.cli.Cli;
import io.boxscope.cli.ExitCode;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.Test;

/**
 * funccount with a pattern that matches nothing (no such tracepoint category, library or function): one line
 * naming the pattern and the reason, exit 1 (a named thing that is not there, docs/cli.md), as BCC's funccount
 * refuses it ("No functions matched by pattern"). Until 2026-12-06 it printed the diagnostics of the script
 * generated from the pattern ({@code funccount.bt:3:1: error: ...}, its source line and caret) and then "the
 * funccount script does not compile on this kernel (a tracepoint it needs may be missing)".
 */
@KernelTest
class FunccountPatternTest {
    @Test
    void aPatternThatMatchesNothingIsOneLineAndExitOne() {
        Requirements.requireRoot(); // tracefs is root's
        String category = "boxscope_nosuch_" + ProcessHandle.current().pid();
        Requirements.require(Files.isDirectory(Path.of("/sys/kernel/tracing/events/syscalls"))
                && !Files.exists(Path.of("/sys/kernel/tracing/events", category)), "tracefs with syscalls events");
        for (String pattern : List.of("t:" + category + ":*", "t:syscalls:" + category,
                "u:/no/such/" + category + ":malloc", "u:/bin/sh:" + category + "*")) {
            Cli r = Cli.run("funccount", "-d", "1", pattern);
            assertEquals(ExitCode.FAILURE, r.code(), pattern + ": " + r.err());
            assertEquals(1, r.err().lines().count(), pattern + ": " + r.err());
            assertTrue(r.err().startsWith("boxscope: nothing to count for '" + pattern + "': "), r.err());
            assertFalse(r.err().contains("funccount.bt"), r.err());
            assertEquals("", r.out(), pattern);
        }
    }
}
