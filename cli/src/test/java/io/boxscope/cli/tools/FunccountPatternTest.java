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

    /**
     * A kernel function where kprobes do not attach: one line naming the user's function and a tracepoint to count
     * instead, not the feature probe's function (do_sys_openat2, which the walk of session 32 was told about), exit 1;
     * where kprobes attach, funccount runs (-d 1, exit 0).
     */
    @Test
    void kernelFunctionsWithoutKprobesNameTheUsersFunction() {
        Requirements.requireRoot();
        Cli r = Cli.run("funccount", "-d", "1", "vfs_read");
        if (io.boxscope.bpf.feature.Features.attach(io.boxscope.bpf.feature.AttachKind.KPROBE)
                instanceof io.boxscope.bpf.feature.Support.Unsupported) {
            assertEquals(ExitCode.FAILURE, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("boxscope: cannot count kernel function 'vfs_read': kprobes are not available"), r.err());
            assertFalse(r.err().contains("do_sys_openat2"), r.err());
        } else {
            assertEquals(ExitCode.OK, r.code(), r.err());
        }
    }

    /**
     * A library that is there but is not an ELF file is not "nothing to count": its own message, escaped once. Until
     * 2026-12-06 it was labelled "nothing to count for ..." and its {@code \x7fELF} printed as {@code \\x7fELF}.
     */
    @Test
    void aLibraryThatIsNotElfSaysSoOnceEscaped() throws Exception {
        Requirements.requireRoot();
        Path dir = Files.createTempDirectory("funccount-notelf");
        Path lib = dir.resolve("notelf.so");
        Files.writeString(lib, "not an ELF file, just text long enough to pass a size check if one were made first....\n");
        try {
            String pattern = "u:" + lib + ":x";
            Cli r = Cli.run("funccount", "-d", "1", pattern);
            assertEquals(ExitCode.FAILURE, r.code(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertFalse(r.err().contains("nothing to count"), r.err());
            assertTrue(r.err().startsWith("boxscope: ") && r.err().contains(lib.toString()), r.err());
            assertTrue(r.err().contains("no \\x7fELF magic") && !r.err().contains("\\\\x7f"), r.err());
            assertEquals("", r.out());
        } finally {
            Files.delete(lib);
            Files.delete(dir);
        }
    }

    @Test
    void onlyTheResolversNoMatchWordingsAreNothingToCount() {
        assertTrue(FunccountCommand.matchesNothing("tracepoint not found: syscalls:x"));
        assertTrue(FunccountCommand.matchesNothing("tracepoints not found: x:*"));
        assertTrue(FunccountCommand.matchesNothing("no functions of /bin/sh match x*"));
        assertTrue(FunccountCommand.matchesNothing("uprobe target /no/such is not a file"));
        assertFalse(FunccountCommand.matchesNothing("cannot resolve uprobe:/etc/passwd:x: /etc/passwd is not an ELF file"));
    }
}
