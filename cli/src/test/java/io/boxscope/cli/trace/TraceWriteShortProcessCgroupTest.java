package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.cli.ChildJvm;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes of a container that are all gone before {@code trace -w} reads their records must still carry the
 * container's cgroups in the file, and so its name: sysdig's driver reads a task's cgroups in the kernel at clone and
 * execve exits (libs f_proc_startupdate, the {@code cgroups} parameter), and so must the capture, not from /proc
 * when the consumer gets to the records.
 *
 * <p>The consumer is made to lag deterministically: the capture runs in a child JVM that is stopped (SIGSTOP) while
 * {@code docker exec} runs a shell in a container started during the capture; the shell runs {@link #OPENS}
 * {@code cat}s of a missing file, one after the other, and every one of those processes (runc's init, the shell, the
 * cats) has exited when the capture is continued (SIGCONT). The kernel keeps recording meanwhile (the syscall set and
 * failed-only are decided in the kernel, so the ring holds few records). Expected: exactly {@link #OPENS} failed opens
 * with the container's name and image in {@code sysdig -r FILE -p ...} and the same lines from {@code trace -r}.
 *
 * <p>Before the fork and exec records carried the task's cgroup id, the table took the cgroups from /proc when the
 * record was read, and for a process gone by then kept its parent's: runc's init is forked in runc's own (host)
 * cgroup and moved into the container's before it execs the shell, so the shell and its cats were on the host, the
 * filter {@code container.name=X} dropped all their events, and the capture never reached {@code -n} (0 events,
 * checked on the code before this test).
 */
@DockerTest
class TraceWriteShortProcessCgroupTest {
    private static final int OPENS = 6;

    @Test
    void processesGoneBeforeTheirRecordsAreReadKeepTheirContainer(@TempDir Path dir) throws Exception {
        String name = "boxscope-test-tracecg-" + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt());
        // the path too: runc's init and the container's start fail opens of their own, in the container's cgroup
        String filter = "container.name=" + name + " and evt.type in (open, openat) and evt.dir=< and evt.failed=true"
                + " and evt.arg.name contains /missing-" + name;
        Path file = dir.resolve("short.scap");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(ChildJvm.boxscope("trace", "-v", "-n", String.valueOf(OPENS), "-M", "600", "-w",
                file.toString(), filter)).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(err).contains("capturing: ")) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "the capture did not start: " + Files.readString(err));
                Thread.sleep(50);
            }
            // the container starts during the capture (host network: Docker sets none up)
            try (Docker.Container c = Docker.start(name, List.of("--network", "host"), "sleep", "600")) {
                String image = Docker.run("inspect", "--format", "{{.Config.Image}}", c.id()).strip();
                signal("STOP", p);
                String script = "for i in $(seq " + OPENS + "); do cat /missing-" + name + "-$i 2>/dev/null; done; exit 0";
                try {
                    Docker.run("exec", c.id(), "sh", "-c", script); // returns when the shell and its cats have exited
                } finally {
                    signal("CONT", p);
                }
                boolean ended = p.waitFor(120, TimeUnit.SECONDS);
                if (!ended) {
                    signal("INT", p); // fewer than OPENS kept events: end it, and say what the file holds below
                    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the capture did not end on SIGINT: " + Files.readString(err));
                }
                assertEquals(0, p.exitValue(), Files.readString(err));
                String format = "%container.name %container.image %evt.type %evt.res";
                List<String> expected = new ArrayList<>(Collections.nCopies(OPENS, name + " " + image + " open ENOENT"));
                List<String> sysdig = TraceWriteMidCaptureContainerTest.sysdig(file, "-p", format, filter);
                assertEquals(expected, sysdig.stream().map(l -> l.replace("openat", "open")).toList(),
                        "sysdig -r names the container on each open of its short processes (the capture "
                                + (ended ? "reached -n" : "did not reach -n") + "):\n"
                                + String.join("\n", TraceWriteMidCaptureContainerTest.sysdig(file,
                                        "-p", "%proc.name %thread.tid %container.id %container.name %evt.type %evt.res"))
                                + "\n" + Files.readString(err));
                assertEquals(sysdig, Cli.run("trace", "-r", file.toString(), "-p", format, filter).out().lines().toList(),
                        "trace -r prints what sysdig -r prints");
                // each kept open is a cat's (busybox's sh runs it by exec'ing /proc/self/exe: comm "exe", argv[0] cat)
                assertEquals(Collections.nCopies(OPENS, "cat"),
                        TraceWriteMidCaptureContainerTest.sysdig(file, "-p", "%proc.exe", filter));
            }
        } finally {
            if (p.isAlive()) {
                signal("CONT", p);
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static void signal(String sig, Process p) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start().waitFor(), "kill -" + sig);
    }
}
