package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupEntry;
import io.boxscope.proc.cgroup.CgroupMembership;

/**
 * A PID target whose PID the kernel hands to another process once the target exits: the sampler
 * tells them apart by the start time recorded when the target was named (/proc/PID/stat field 22),
 * in a proc tree written here.
 */
class PidReuseTest {
    static final int PID = 4242;

    /** A stat line of proc(5)'s 52 fields: utime 300, stime 100 ticks, starttime {@code start}. */
    static String stat(int pid, String comm, long start) {
        StringBuilder b = new StringBuilder(pid + " (" + comm + ") S 1");
        for (int field = 5; field <= 52; field++) {
            long v = switch (field) {
                case 14 -> 300;
                case 15 -> 100;
                case 20 -> 1;
                case 22 -> start;
                default -> 0;
            };
            b.append(' ').append(v);
        }
        return b.append('\n').toString();
    }

    static void process(Path proc, String comm, long start) throws IOException {
        Path dir = proc.resolve(Integer.toString(PID));
        Path task = dir.resolve("task").resolve(Integer.toString(PID));
        Files.createDirectories(task);
        Files.writeString(dir.resolve("stat"), stat(PID, comm, start));
        Files.writeString(task.resolve("stat"), stat(PID, comm, start).replace(") S ", ") R "));
        Files.writeString(task.resolve("schedstat"), "1000 2000 3\n");
    }

    static Target target(long start) {
        CgroupMembership root = new CgroupMembership(java.util.List.of(new CgroupEntry(0, java.util.List.of(), "/")));
        return new Target(Target.Kind.PROCESS, "pid " + PID + " (work)", Optional.empty(), root, OptionalInt.of(PID),
                OptionalLong.of(start));
    }

    @Test
    void theSameStartTimeIsTheTarget(@TempDir Path root) throws IOException {
        HostPaths paths = new HostPaths(root.resolve("proc"), root.resolve("sys"));
        process(paths.procRoot(), "work", 1000);
        Sampler s = new Sampler(target(1000), paths);
        Snapshot snap = s.sample();
        assertEquals(1, snap.processes());
        assertEquals(1, snap.tasks().size());
        assertEquals(OptionalLong.of(4_000_000_000L), snap.cpuUsageNs(), "utime + stime = 400 ticks of 10 ms");
        assertFalse(s.pidReused());
    }

    @Test
    void anotherStartTimeIsAnotherProcess(@TempDir Path root) throws IOException {
        HostPaths paths = new HostPaths(root.resolve("proc"), root.resolve("sys"));
        process(paths.procRoot(), "work", 1000);
        Sampler s = new Sampler(target(1000), paths);
        assertEquals(1, s.sample().processes());
        process(paths.procRoot(), "other", 5000); // the target exited, its PID went to a new process
        Snapshot snap = s.sample();
        assertEquals(0, snap.processes(), "a reused PID is not the target");
        assertTrue(snap.tasks().isEmpty(), "the new process's threads were sampled: " + snap.tasks());
        assertTrue(snap.cpuUsageNs().isEmpty(), "the new process's CPU time was read: " + snap.cpuUsageNs());
        assertTrue(s.pidReused());
    }

    @Test
    void aPidReusedBeforeTheWindowIsAnError(@TempDir Path root) throws IOException {
        HostPaths paths = new HostPaths(root.resolve("proc"), root.resolve("sys"));
        process(paths.procRoot(), "other", 5000);
        Collector c = new Collector(target(1000), paths);
        IOException e = assertThrows(IOException.class, () -> c.collect(Duration.ofMillis(200), Duration.ofMillis(100)));
        assertTrue(e.getMessage().contains("exited before the window started (its PID 4242 now belongs to another process"),
                e.getMessage());
    }

    @Test
    void aPidReusedInTheWindowEndsIt(@TempDir Path root) throws Exception {
        HostPaths paths = new HostPaths(root.resolve("proc"), root.resolve("sys"));
        process(paths.procRoot(), "work", 1000);
        Collector c = new Collector(target(1000), paths);
        // The swap happens while the window runs (the first sample is taken at once, the next after 100 ms).
        Thread swap = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(250);
                process(paths.procRoot(), "other", 5000);
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Window w = c.collect(Duration.ofSeconds(30), Duration.ofMillis(100));
        swap.join();
        assertTrue(w.targetExited(), "the window went on with another process");
        assertTrue(c.pidReused());
        assertTrue(w.seconds() < 30, "the window was not ended early: " + w.seconds());
    }
}
