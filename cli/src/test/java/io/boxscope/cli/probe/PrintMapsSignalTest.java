package io.boxscope.cli.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.cli.ChildJvm;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGUSR1 prints every map and the program goes on, as in bpftrace 0.17: the same program, signalled the same way
 * (SIGUSR1 once BEGIN has printed, SIGINT once the maps are out), prints the same bytes under both.
 */
@KernelTest
class PrintMapsSignalTest {
    @TempDir
    Path dir;

    static final String PROGRAM = "BEGIN { @a = 5; @c[1] = count(); @h = hist(3); @e[\"x\"] = 1; printf(\"ready\\n\"); }";

    /** Runs {@code cmd}: SIGUSR1 once it printed "ready", SIGINT once the maps followed; its standard output. */
    private String signalled(List<String> cmd, String name) throws Exception {
        Path out = dir.resolve(name);
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            p.getOutputStream().close();
            await(out, "ready\n", p);
            signal("USR1", p.pid());
            // the whole of SIGUSR1's maps, to the histogram's bar, before SIGINT (not only the map's name: a signal in the
            // middle of the print is another test)
            await(out, "@h: \n[2, 4)", p);
            await(out, "|\n\n", p);
            assertTrue(p.isAlive(), name + " ended on SIGUSR1: " + Files.readString(out));
            signal("INT", p.pid());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), name + " did not end on SIGINT");
            assertEquals(0, p.exitValue(), name + " exit status");
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void await(Path out, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!(Files.exists(out) && Files.readString(out).contains(text))) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "no \"" + text.strip() + "\" in: " + (Files.exists(out) ? Files.readString(out) : ""));
            Thread.sleep(50);
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor());
    }

    @Test
    void sigusr1PrintsEveryMapAsBpftraceDoes() throws Exception {
        Requirements.require(Requirements.run("bpftrace", "--version") == 0, "bpftrace 0.17 (Debian package bpftrace)");
        String ours = signalled(ChildJvm.boxscope("probe", "-e", PROGRAM), "ours");
        String theirs = signalled(List.of("bpftrace", "-e", PROGRAM), "bpftrace");
        assertEquals(theirs, ours);
        // the maps twice: once for SIGUSR1 (no blank lines before them), once at exit
        String maps = "@a: 5\n@c[1]: 1\n@e[x]: 1\n@h: \n[2, 4)                 1 |" + "@".repeat(52) + "|\n\n";
        assertEquals("Attaching 1 probe...\nready\n" + maps + "\n\n" + maps, ours);
    }
}
