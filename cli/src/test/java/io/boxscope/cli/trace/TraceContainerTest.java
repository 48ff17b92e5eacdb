package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * container.name and container.image come from the capture file's container events, as sysdig -r takes
 * them: {@link ContainerCapture} has a described container, an undescribed one and the host. sysdig 0.29
 * is the oracle.
 */
class TraceContainerTest {
    static final List<List<String>> RUNS = List.of(
            List.of(),
            List.of("-p", "*%evt.num %proc.name %container.id %container.name %container.image %container.type"),
            List.of("-pc"),
            List.of("-pc", "container.name=web"),
            List.of("container.name!=host and evt.type=openat"),
            List.of("container.image contains nginx"),
            List.of("-c", "topcontainers_file"),
            List.of("-pc", "-c", "topprocs_file"),
            List.of("-pc", "-c", "topfiles_bytes"),
            // the description is not returned to sysdig's loop: -n counts the events after it
            List.of("-n", "1"),
            List.of("-n", "3"));

    @TempDir
    static Path dir;

    static Path capture;

    @BeforeAll
    static void write() throws Exception {
        capture = ContainerCapture.write(dir.resolve("containers.scap"));
    }

    @Test
    void containerFieldsAreSysdigs() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (List<String> run : RUNS) {
            List<String> a = new ArrayList<>(List.of("-r", capture.toString()));
            a.addAll(run);
            String theirs = TraceReadFilterTest.sysdig(a.toArray(String[]::new));
            a.addFirst("trace");
            Cli ours = Cli.run(a.toArray(String[]::new));
            if (ours.code() != 0 || !TraceChiselTest.sameTable(theirs, ours.out())) {
                wrong.add(run + ": exit " + ours.code() + " " + ours.err() + "\n" + TraceOutputTest.firstDifference(theirs, ours.out()));
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(TraceReadFilterTest.sysdig("-r", capture.toString(), "container.name=web").contains("nginx"));
    }

    /**
     * {@code -r FILE -w OUT FILTER} keeps the container descriptions whatever the filter, as sysdig's dumper writes
     * the containers it knows: the filtered file still names its container (before, the filter dropped the
     * description and {@code sysdig -r OUT -pc} showed {@code <NA>}).
     */
    @Test
    void aFilteredCopyKeepsTheContainerDescriptions() throws Exception {
        Path out = dir.resolve("web.scap");
        Cli ours = Cli.run("trace", "-r", capture.toString(), "-w", out.toString(), "container.name=web");
        assertEquals(0, ours.code(), ours.err());
        String theirs = TraceReadFilterTest.sysdig("-r", out.toString(), "-p", "%proc.name %container.name %container.image");
        assertEquals(List.of("nginx web nginx:1.25"), theirs.lines().distinct().toList(), theirs);
    }
}
