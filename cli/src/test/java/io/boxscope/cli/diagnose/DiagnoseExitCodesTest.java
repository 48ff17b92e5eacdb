package io.boxscope.cli.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.cli.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * diagnose's target and its {@code --html} file follow docs/cli.md's exit codes: a cgroup path with no directory and
 * an HTML report into a directory that does not exist name things that are not there, exit 1 (they exited 2 before
 * 2026-12-06, branch fixdiag: Targets threw one exception for both kinds); a cgroup path with {@code ..} or a PID too
 * large for one is malformed whatever the host holds, exit 2. Each is one line on standard error, nothing on
 * standard output, before any collector is loaded.
 */
class DiagnoseExitCodesTest {
    @TempDir
    Path dir;

    @Test
    void aMissingCgroupOrHtmlDirectoryIsExitOneAMalformedTargetTwo() {
        Path noDir = dir.resolve("no-such-dir");
        String noCgroup = "/boxscope-nosuch-" + ProcessHandle.current().pid();
        assertTrue(!Files.exists(Path.of("/sys/fs/cgroup" + noCgroup)), noCgroup);
        for (List<String> args : List.of(
                List.of("diagnose", noCgroup, "--duration", "1s"),
                List.of("diagnose", "1", "--duration", "1s", "--html", noDir.resolve("x.html").toString()))) {
            expect(ExitCode.FAILURE, args);
        }
        for (List<String> args : List.of(
                List.of("diagnose", "/a/../b", "--duration", "1s"),
                List.of("diagnose", "99999999999999", "--duration", "1s"))) {
            expect(ExitCode.USAGE, args);
        }
    }

    private static void expect(int code, List<String> args) {
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(code, r.code(), args + ": " + r.err());
        assertEquals(1, r.err().lines().count(), args + ": " + r.err());
        assertTrue(r.err().startsWith("boxscope: "), args + ": " + r.err());
        assertEquals("", r.out(), args.toString());
    }
}
