package io.boxscope.tools.oomkill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import io.boxscope.tools.core.Gate;
import io.boxscope.tools.core.Harness;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.core.ToolTarget;
import org.junit.jupiter.api.Test;

/**
 * oomkill on a real OOM kill: a shell moves itself into a memory cgroup of the test's own limited to
 * 32 MiB (cgroup v1's memory controller where it is mounted, as on this machine, else v2's
 * memory.max with no swap) and into a cgroup v2 directory the tool filters on (as --container does),
 * waits until the tool is attached, then execs {@code tail /dev/zero}, which buffers its one endless
 * line until the OOM killer kills it. Oracle: the workload: exactly one kill, of that process, named
 * tail, which triggered it itself (its own page fault ran the cgroup out of memory), and the
 * kernel's SIGKILL seen by waitpid.
 */
@KernelTest
class OomkillTest {
    static final long LIMIT = 32L << 20;

    /** The mount point of a cgroup filesystem: cgroup2, or the v1 hierarchy with {@code controller}; null if none. */
    static Path mount(String type, String controller) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f[2].equals(type) && (controller == null || List.of(f[3].split(",")).contains(controller))) {
                return Path.of(f[1]);
            }
        }
        return null;
    }

    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    static void removeWhenEmpty(Path dir) throws Exception {
        for (int i = 0; i < 100 && Files.exists(dir); i++) {
            try {
                Files.delete(dir);
            } catch (IOException busy) {
                Thread.sleep(100); // the killed process is leaving it
            }
        }
    }

    @Test
    void oneKillOfTheProcessThatRanItsCgroupOutOfMemory() throws Exception {
        String name = "boxscope-test-oomkill-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
        Path v2 = mount("cgroup2", null).resolve(name);
        Path v1Memory = mount("cgroup", "memory");
        Path memory = v1Memory != null ? v1Memory.resolve(name) : v2;
        Files.createDirectory(v2);
        if (!memory.equals(v2)) {
            Files.createDirectory(memory);
        }
        try {
            if (v1Memory != null) {
                write(memory.resolve("memory.limit_in_bytes"), Long.toString(LIMIT));
            } else {
                if (!Files.exists(memory.resolve("memory.max"))) { // the memory controller is not enabled below the root yet
                    write(memory.getParent().resolve("cgroup.subtree_control"), "+memory");
                }
                write(memory.resolve("memory.max"), Long.toString(LIMIT));
                write(memory.resolve("memory.swap.max"), "0");
            }
            Process child = new ProcessBuilder("sh", "-c", "echo $$ > " + v2.resolve("cgroup.procs") + " && echo $$ > "
                    + memory.resolve("cgroup.procs") + " && read go && exec tail /dev/zero").redirectErrorStream(true).start();
            List<OomEvent> events;
            String out;
            try (Harness<OomEvent> h = new Harness<>(new Oomkill(Path.of("/proc")), new ToolTarget(null, v2, null))) {
                h.awaitStarted();
                Gate.open(child);
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "tail /dev/zero was not killed within 60 s");
                out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                Thread.sleep(500);
                events = h.stop();
            } finally {
                child.destroyForcibly();
            }
            assertEquals(128 + 9, child.exitValue(), "killed by SIGKILL: " + out);
            assertEquals(1, events.size(), events::toString);
            OomEvent e = events.getFirst();
            int pid = (int) child.pid();
            assertEquals(List.of(pid, "tail", pid, "tail"), List.of(e.victimPid(), e.victimComm(), e.triggerPid(), e.triggerComm()), e::toString);
            long pageKb = io.boxscope.bpf.sys.Sys.pageSize() / 1024;
            assertEquals((e.anonRssKb() + e.fileRssKb() + e.shmemRssKb()) / pageKb, e.pages());
            assertTrue(e.anonRssKb() * 1024 > LIMIT / 2, "tail's buffer filled most of the cgroup: " + e);
            assertTrue(e.anonRssKb() * 1024 <= LIMIT, "no more than the limit: " + e);
            assertTrue(e.loadavg() != null && e.loadavg().split(" ").length == 5, e::toString);
        } finally {
            removeWhenEmpty(memory);
            removeWhenEmpty(v2);
        }
    }
}
