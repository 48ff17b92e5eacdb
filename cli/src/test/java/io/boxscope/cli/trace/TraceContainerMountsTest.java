package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import io.boxscope.testkit.FailingOpener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code trace -w} capture of a Docker container run with two bind mounts (one read-only) describes its mounts and
 * privileged flag as the runtime gives them (Docker's inspect answer, as libsinsp's docker engine reads it), so
 * {@code sysdig -r} (0.29, the oracle) and {@code trace -r} print {@code container.mounts}, {@code container.mount[N]},
 * {@code container.mount[GLOB]} and the {@code .source/.dest/.mode/.rdwr/.propagation} parts the same, in {@code -p},
 * {@code -j} and filters. The mounts expected are Docker's own ({@code docker inspect}). The build before wrote no
 * mounts ({@code container.mounts} empty) and refused every {@code container.mount} field.
 */
@DockerTest
class TraceContainerMountsTest {
    private static final int OPENS = 2;

    @Test
    void mountsOfTheRuntimeAreInTheFileAndReadAsSysdigReadsThem(@TempDir Path dir) throws Exception {
        Path sync = dir.resolve("sync");
        Path data = dir.resolve("data-ro");
        Files.createDirectories(sync);
        Files.createDirectories(data);
        String name = "boxscope-test-mounts-" + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt());
        try (FailingOpener c = FailingOpener.startNamed(name, OPENS, sync, "-v", data + ":/data:ro")) {
            String mounts = Docker.run("inspect", "--format",
                    "{{range .Mounts}}{{.Source}}:{{.Destination}}:{{.Mode}}:{{.RW}}:{{.Propagation}},{{end}}", c.name()).strip();
            mounts = mounts.substring(0, mounts.length() - 1);
            assertEquals(2, mounts.split(",").length, mounts);
            Path file = dir.resolve("m.scap");
            List<String> args = List.of("trace", "-M", "4", "-w", file.toString(),
                    "container.name=" + c.name() + " and evt.type in (open, openat) and evt.failed=true");
            PythonCapture.traceAround(args, () -> {
                c.go();
                c.awaitDone(Duration.ofSeconds(30));
            });

            String format = "*%container.privileged|%container.mounts|%container.mount[0]|%container.mount[1]|%container.mount[2]"
                    + "|%container.mount[" + data + "*]|%container.mount[/nowhere*]|%container.mount.source[/data]"
                    + "|%container.mount.dest[" + sync + "]|%container.mount.mode[1]|%container.mount.mode[0]"
                    + "|%container.mount.rdwr[*data-ro]|%container.mount.rdwr[0]|%container.mount.propagation[1]"
                    + "|%container.mount.dest[*]|%container.mount[-1]|%evt.type";
            List<String> sysdig = SysdigRead.lines(file, "-p", format, "container.name=" + c.name());
            assertEquals(OPENS, sysdig.size(), String.join("\n", sysdig));
            // Docker keeps a container's mounts in a map (Go: no order), so each inspect may list them in another order:
            // the file's are the runtime's as a set
            String[] cols = sysdig.getFirst().split("\\|");
            assertEquals("false", cols[0], sysdig.getFirst());
            assertEquals(new java.util.TreeSet<>(List.of(mounts.split(","))), new java.util.TreeSet<>(List.of(cols[1].split(","))),
                    sysdig.getFirst() + " / " + mounts);
            assertEquals(sysdig, Cli.run("trace", "-r", file.toString(), "-p", format, "container.name=" + c.name()).out()
                    .lines().toList(), "trace -r -p prints what sysdig -r prints");

            String json = "%container.mount[1] %container.mount.source[/sync] %container.mounts";
            assertEquals(SysdigRead.lines(file, "-j", "-p", json, "container.name=" + c.name()),
                    Cli.run("trace", "-r", file.toString(), "-j", "-p", json, "container.name=" + c.name()).out().lines().toList());

            List<String> filters = List.of("container.mount.rdwr[1]=false", "container.mount.rdwr[0]=false",
                    "container.mount[" + data + "*] exists", "container.mount[/nowhere] exists",
                    "container.mount.dest[" + data + "]=/data", "container.mount.mode[1] in (ro, rw)",
                    "container.mount.source[/sync] contains sync", "container.mounts contains /data:ro:false");
            for (String f : filters) {
                List<String> theirs = SysdigRead.lines(file, "-p", "%evt.num %container.name", f);
                List<String> ours = Cli.run("trace", "-r", file.toString(), "-p", "%evt.num %container.name", f).out().lines().toList();
                assertEquals(theirs, ours, f);
            }
            assertEquals(OPENS, SysdigRead.lines(file, "-p", "%evt.num", "container.mount.rdwr[*data-ro]=false").size());
        }
    }
}
