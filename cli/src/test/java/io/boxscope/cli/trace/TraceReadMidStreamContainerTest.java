package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.DockerTest;
import io.boxscope.testkit.FailingOpener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container started while {@code trace -w} writes a file: its description (PPME_CONTAINER_JSON_2_E) comes after
 * the host's events, in mid-stream. sysdig 0.29 -r (the oracle) hides only the descriptions before a file's first
 * other event (libsinsp's consume_initialstate_events) and prints a later one as an event of a temporary thread
 * ({@code container:ID (-1) > container json=...}); trace -r hid them all. The file is read by both with the
 * default line, {@code -p} with {@code *}, {@code -pc}, {@code -j}, a filter on the type and a chisel: 0 lines
 * differ.
 */
@DockerTest
class TraceReadMidStreamContainerTest {
    private static final String PREFIX = "boxscope-test-tracemid-";
    private static final int OPENS = 3;

    @Test
    void aContainerDescribedInMidStreamPrintsAsSysdigPrintsIt(@TempDir Path dir) throws Exception {
        Path sync = dir.resolve("sync");
        java.nio.file.Files.createDirectories(sync);
        Path file = dir.resolve("mid.scap");
        List<String> args = List.of("sysdig", "-M", "20", "-w", file.toString(),
                "evt.type in (open, openat) and fd.name contains /missing-" + PREFIX);
        AtomicReference<Cli> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(Cli.run(args.toArray(String[]::new))));
        t.start();
        TraceLiveCommandTest.awaitAttached();
        // the host's events first: the file's initial state ends before the container exists
        Process host = new ProcessBuilder("perl", "-e",
                "for (1.." + OPENS + ") { open(my $f, '<', '/missing-" + PREFIX + "host'); }").start();
        assertTrue(host.waitFor(30, TimeUnit.SECONDS), "the host's perl did not finish its opens");
        try (FailingOpener c = FailingOpener.start(PREFIX, OPENS, sync)) {
            // the capture asks the runtimes for a new container's name at most once a second (ContainerNames):
            // its waiting loop's threads get it named before its opens, so that the file describes it
            Thread.sleep(3000);
            c.go();
            c.awaitDone(Duration.ofSeconds(30));
            t.join(60_000);
            Cli r = result.get();
            assertEquals(0, r.code(), r.err());
            List<String> lines = sysdig(file);
            int described = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(" (-1) > container json=") && lines.get(i).contains("\"name\":\"" + c.name() + "\"")) {
                    described = i;
                }
            }
            assertTrue(described > 0, "sysdig -r prints the container's description after the host's events:\n"
                    + String.join("\n", lines));
            List<List<String>> forms = List.of(List.of(), List.of("-pc"), List.of("-j"), List.of("evt.type=container"),
                    List.of("-p", "*%evt.num %proc.name %thread.tid %proc.pid %thread.vtid %container.id %container.name "
                            + "%container.image %evt.type %evt.args %proc.exe %proc.cmdline %user.name"),
                    List.of("-c", "topprocs_cpu"));
            for (List<String> form : forms) {
                List<String> more = new ArrayList<>(List.of("trace", "-r", file.toString()));
                more.addAll(form);
                assertEquals(sysdig(file, form.toArray(String[]::new)),
                        Cli.run(more.toArray(String[]::new)).out().lines().toList(), "trace -r " + form);
            }
        }
    }

    private static List<String> sysdig(Path file, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/sysdig", "-r", file.toString()));
        command.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "sysdig -r (Debian package sysdig 0.29) failed");
        return out.lines().toList();
    }
}
