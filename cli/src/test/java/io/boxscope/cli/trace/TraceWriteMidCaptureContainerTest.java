package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import io.boxscope.testkit.FailingOpener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container started while {@code trace -w FILTER} writes a file, under a filter Java evaluates: its events must
 * carry its name in the file, for {@code sysdig -r} (Debian's sysdig 0.29, the oracle) and for {@code trace -r}, as
 * sysdig's own capture writes a container event for a container it meets mid-capture before that container's first
 * event. The container makes exactly {@link #OPENS} failed opens of a path only it uses, in one burst, and the
 * capture stops by itself after that many exits ({@code -n}); the name expected is Docker's.
 *
 * <p>Before the fix the file did not name it (CI at bb4c759d, and here): the first lookup of a container met while
 * runc's init was already in its cgroup but Docker still listed it as "created" (not in {@code GET
 * /containers/json}) left it unnamed for the rest of the capture, and a new container asked for within a second of
 * the last scan waited for the next one; with {@code container.name=X} the filter then dropped its events, and with
 * another filter they were written with no description, so neither reader printed its name.
 */
@DockerTest
class TraceWriteMidCaptureContainerTest {
    private static final int OPENS = 5;

    /** {@code container.name=X}: the kernel cannot decide it (X does not run yet), Java does, at each event. */
    @Test
    void aContainerFilterKeepsAndNamesAContainerStartedMidCapture(@TempDir Path dir) throws Exception {
        String prefix = "boxscope-test-tracemidc-";
        String name = prefix + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt());
        check(dir, "container.name=" + name + " and evt.type in (open, openat) and evt.dir=< and evt.failed=true", name);
    }

    /**
     * A filter without container terms (the live test this replaces: the events pass, the name was missing). Failed
     * opens only, so that the kernel passes few records: with every open of a busy host the ring dropped 135,000 of
     * 5.3 million records in one run here, the container's among them. The path is matched as the call's argument
     * ({@code evt.arg.name}), not as {@code fd.name}: read from a file, sysdig names a failed open's fd by the thread's
     * last fd (libsinsp's m_lastevent_fd: here fd 0, /dev/null, when the file holds no entry event of the call), so
     * {@code fd.name contains PATH} kept none of the container's opens in 1 of 3 runs while each carried its name
     * (CI at 5e1bce3f; {@code trace -r} prints the same /dev/null).
     */
    @Test
    void anotherFilterNamesAContainerStartedMidCapture(@TempDir Path dir) throws Exception {
        String prefix = "boxscope-test-tracemidf-";
        String name = prefix + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt());
        check(dir, "evt.type in (open, openat) and evt.dir=< and evt.failed=true and evt.arg.name contains /missing-" + name, name);
    }

    private static void check(Path dir, String filter, String name) throws Exception {
        Path sync = dir.resolve("sync");
        Files.createDirectories(sync);
        Path file = dir.resolve("mid.scap");
        List<String> args = List.of("sysdig", "-n", String.valueOf(OPENS), "-M", "120", "-w", file.toString(), filter);
        AtomicReference<Cli> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(Cli.run(args.toArray(String[]::new))));
        t.start();
        TraceLiveCommandTest.awaitAttached();
        // host events first (as the capture that found the gap had): the file's initial state ends before the container
        Process host = new ProcessBuilder("perl", "-e", "for (1..3) { open(my $f, '<', '/missing-host-" + name + "'); }").start();
        assertTrue(host.waitFor(30, TimeUnit.SECONDS), "the host's perl did not finish its opens");
        // the container starts during the capture (host network: Docker sets up no network between runc's create and
        // start), and makes its opens as soon as it runs
        try (FailingOpener c = FailingOpener.startNamed(name, OPENS, sync, "--network", "host")) {
            assertEquals(name, c.name());
            String image = Docker.run("inspect", "--format", "{{.Config.Image}}", c.name()).strip();
            c.go();
            c.awaitDone(Duration.ofSeconds(60));
            t.join(180_000);
            Cli r = result.get();
            assertTrue(r != null, "the capture did not end");
            assertEquals(0, r.code(), r.err());
            String format = "%container.name %container.image %evt.type %evt.res";
            List<String> expected = new ArrayList<>(Collections.nCopies(OPENS, c.name() + " " + image + " open ENOENT"));
            List<String> sysdig = sysdig(file, "-p", format, filter);
            // on a failure, say whether the ring dropped records (a missing event is then no bug of the writer's)
            assertEquals(expected, sysdig.stream().map(l -> l.replace("openat", "open")).toList(),
                    () -> "sysdig -r names the container on each of its events (" + drops(file, filter) + "):\n"
                            + String.join("\n", sysdigQuietly(file)) + "\n" + r.err());
            assertEquals(sysdig, Cli.run("trace", "-r", file.toString(), "-p", format, filter).out().lines().toList(),
                    "trace -r prints what sysdig -r prints");
            // the description comes before the container's first event, as sysdig's capture writes it
            List<String> all = sysdig(file, "-p", "*%evt.type %container.name");
            int described = all.indexOf("container " + c.name());
            int first = all.indexOf("open " + c.name()) >= 0 ? all.indexOf("open " + c.name()) : all.indexOf("openat " + c.name());
            assertTrue(described >= 0 && described < first, "described at line " + described + ", first open at " + first
                    + ":\n" + String.join("\n", all));
        }
    }

    /** The drop record of the file as {@code trace -r -v} reports it: {@code Drops: ...} or "none recorded". */
    private static String drops(Path file, String filter) {
        return Cli.run("trace", "-r", file.toString(), "-v", filter).err().lines().filter(l -> l.startsWith("Drops:"))
                .findFirst().orElse("Drops: trace -r -v printed no Drops line");
    }

    private static List<String> sysdigQuietly(Path file) {
        try {
            return sysdig(file);
        } catch (Exception | AssertionError e) {
            return List.of("sysdig -r failed: " + e);
        }
    }

    static List<String> sysdig(Path file, String... more) throws Exception {
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
