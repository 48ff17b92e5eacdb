package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import io.boxscope.testkit.FailingOpener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's "capture a container to a file, analyze it later" ({@code sysdig -w FILE container.name=X}, then
 * {@code sysdig -r FILE ...}): the file describes the container (a PPME_CONTAINER_JSON_2_E, as sysdig's dumper
 * writes one), so {@code container.name=X} and {@code %container.name} still work when the file is read, by
 * sysdig 0.29 (the oracle) and by {@code trace -r}. Before, the file carried the container's id only (from the
 * threads' cgroups): {@code sysdig -r FILE container.name=X} printed nothing and {@code -pc} showed {@code <NA>}.
 * The name and image expected are Docker's own ({@code docker inspect}).
 */
@DockerTest
class TraceWriteContainerTest {
    private static final int OPENS = 3;

    @Test
    void aContainerCaptureFileNamesItsContainer(@TempDir Path dir) throws Exception {
        Path sync = dir.resolve("sync");
        java.nio.file.Files.createDirectories(sync);
        try (FailingOpener c = FailingOpener.start("boxscope-test-tracewc-", OPENS, sync)) {
            String image = Docker.run("inspect", "--format", "{{.Config.Image}}", c.name()).strip();
            Path file = dir.resolve("c.scap");
            List<String> args = List.of("sysdig", "-M", "4", "-w", file.toString(),
                    "container.name=" + c.name() + " and evt.type in (open, openat) and evt.failed=true");
            PythonCapture.traceAround(args, () -> {
                c.go();
                c.awaitDone(Duration.ofSeconds(30));
            });
            String format = "%container.name %container.image %evt.type %evt.res";
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < OPENS; i++) {
                expected.add(c.name() + " " + image + " " + "open ENOENT");
            }
            List<String> sysdig = SysdigRead.lines(file, "-p", format, "container.name=" + c.name());
            assertEquals(expected, sysdig.stream().map(l -> l.replace("openat", "open")).toList(),
                    "sysdig -r names the container from the file");
            assertEquals(sysdig, Cli.run("trace", "-r", file.toString(), "-p", format, "container.name=" + c.name()).out()
                    .lines().toList(), "trace -r prints what sysdig -r prints");
        }
    }
}
