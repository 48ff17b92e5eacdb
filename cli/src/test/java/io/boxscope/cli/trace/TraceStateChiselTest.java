package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lscontainers and list_login_shells print what sysdig 0.29 prints reading the same capture (written with
 * trace's writer): {@link ContainerCapture}'s described containers, {@link SessionCapture}'s login shell
 * and the programs it starts, and the eval capture. Oracle: the installed {@code sysdig -r F -c CHISEL}.
 */
class TraceStateChiselTest {
    @TempDir
    Path dir;

    private static String ours(Path file, List<String> args) {
        List<String> a = new ArrayList<>(List.of("trace", "-r", file.toString()));
        a.addAll(args);
        Cli c = Cli.run(a.toArray(String[]::new));
        assertEquals(0, c.code(), args + ": " + c.err());
        return c.out();
    }

    @Test
    void lscontainersListsTheDescribedContainersAsSysdig() throws Exception {
        Path file = ContainerCapture.write(dir.resolve("containers.scap"));
        for (Path f : List.of(file, TraceReadFilterTest.capture())) {
            for (List<String> run : List.of(List.of("-c", "lscontainers"), List.of("-c", "lscontainers", "proc.name=nosuch"))) {
                String t = TraceReadFilterTest.sysdigRead(f, run);
                String o = ours(f, run);
                // sysdig lists the containers in its container map's hash order: compared as sets after the header
                List<String> tl = t.lines().toList();
                List<String> ol = o.lines().toList();
                assertEquals(tl.subList(0, 2), ol.subList(0, 2), run.toString());
                assertEquals(tl.stream().sorted().toList(), ol.stream().sorted().toList(), run + "\n" + t + "---\n" + o);
            }
        }
        long rows = TraceReadFilterTest.sysdigRead(file, List.of("-c", "lscontainers")).lines().count() - 2;
        assertTrue(rows >= 1, "containers listed: " + rows);
    }

    @Test
    void listLoginShellsIsSysdigs() throws Exception {
        Path session = SessionCapture.write(dir.resolve("session.scap"));
        Path chisels = ChiselCapture.write(dir.resolve("chisels.scap"));
        for (Path f : List.of(session, chisels, TraceReadFilterTest.capture())) {
            for (List<String> run : List.of(List.of("-c", "list_login_shells"), List.of("-c", "list_login_shells", "ls"),
                    List.of("-c", "list_login_shells", "sleep"), List.of("-c", "list_login_shells", "* -l"),
                    List.of("-c", "list_login_shells", "nosuch"), List.of("-pc", "-c", "list_login_shells"))) {
                assertEquals(TraceReadFilterTest.sysdigRead(f, run), ours(f, run), f + " " + run);
            }
        }
        String all = TraceReadFilterTest.sysdigRead(session, List.of("-c", "list_login_shells"));
        assertTrue(all.lines().count() > 1, all);
    }
}
