package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.boxscope.cli.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a program on a pseudo-terminal of script(1) sized with stty, for the chisels that print differently on a
 * terminal (sysdig's {@code sysdig.is_tty()}): what it wrote to the pty (the tty's ONLCR makes each newline CR LF),
 * with its exit status appended as {@code [exit N]}.
 */
public final class Pty {
    private Pty() {}

    public static String run(Path dir, int cols, int rows, List<String> command) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/script"))) {
            fail("script(1) is not installed (Debian package bsdutils)");
        }
        String quoted = command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        Path out = Files.createTempFile(dir, "pty", ".out");
        Process p = new ProcessBuilder("script", "-qfec", "stty cols " + cols + " rows " + rows + "; " + quoted + "; echo \"[exit $?]\"",
                "/dev/null").redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(out.toFile())
                .redirectErrorStream(true).start();
        try {
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command + " did not end in 180 s");
            }
        } finally {
            p.getOutputStream().close();
        }
        return Files.readString(out, StandardCharsets.ISO_8859_1); // bytes as they are
    }

    /** sysdig's and Boxscope's screens of {@code -r capture ARGS}, sysdig's checked to end with status 0. */
    static String[] screens(Path dir, Path capture, int cols, int rows, List<String> args) throws Exception {
        List<String> sysdig = new ArrayList<>(List.of("/usr/bin/sysdig", "-r", capture.toString()));
        sysdig.addAll(args);
        List<String> trace = new ArrayList<>(List.of("trace", "-r", capture.toString()));
        trace.addAll(args);
        String theirs = run(dir, cols, rows, sysdig);
        assertTrue(theirs.endsWith("[exit 0]\r\n"), "sysdig failed: " + theirs);
        return new String[] {theirs, run(dir, cols, rows, ChildJvm.boxscope(trace.toArray(String[]::new)))};
    }

    /** The two screens are the same. */
    static String assertSame(Path dir, Path capture, int cols, int rows, List<String> args) throws Exception {
        String[] s = screens(dir, capture, cols, rows, args);
        assertEquals(s[0], s[1], cols + "x" + rows + " " + args);
        return s[0];
    }
}
