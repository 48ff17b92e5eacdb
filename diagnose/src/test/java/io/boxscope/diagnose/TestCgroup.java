package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.proc.HostPaths;
import io.boxscope.proc.cgroup.CgroupFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cgroup v2 group of a kernel test's own (under the unified tree, {@link CgroupFs#unifiedRoot}: the cgroup root
 * itself, or its unified/ on a hybrid host) and the workload the test starts in it. The workload moves itself into the
 * group (it writes its pid to {@link #procs()}, cgroups(7)) before it prints {@code ready}, so everything it does after
 * is the group's. Closing kills the workload and removes the group (rmdir: a group with no process left).
 */
final class TestCgroup implements AutoCloseable {
    /**
     * The start of a python workload ({@code python3 -c CODE PROCS GO ...}): it moves itself into the group (its first
     * argument, {@link #procs()}), says {@code ready} and waits for its second argument, a file, to exist; what follows
     * is the window's work, with os, sys and time imported.
     */
    static final String PYTHON_READY = "import os, sys, time\n"
            + "open(sys.argv[1], 'w').write(str(os.getpid()))\n"
            + "print('ready', flush=True)\n"
            + "while not os.path.exists(sys.argv[2]): time.sleep(0.02)\n";

    private final Path dir;
    private Process workload;

    private TestCgroup(Path dir) {
        this.dir = dir;
    }

    /** Makes a group named {@code prefix} and a random suffix ({@link ExitsWindowKernelTest#unique}). */
    static TestCgroup create(String prefix) throws IOException {
        Path cg = new CgroupFs(HostPaths.DEFAULT).unifiedRoot()
                .orElseThrow(() -> new AssertionError("no cgroup v2 tree")).resolve(ExitsWindowKernelTest.unique(prefix));
        Files.createDirectory(cg);
        return new TestCgroup(cg);
    }

    /** The group's name under the unified tree ({@code diagnose /NAME} targets it). */
    String name() {
        return dir.getFileName().toString();
    }

    /** The group's cgroup.procs, which the workload writes its pid to. */
    Path procs() {
        return dir.resolve("cgroup.procs");
    }

    /** The group's id, as bpf_get_current_cgroup_id() gives it: the inode number of its directory (kernfs). */
    long id() throws IOException {
        return ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
    }

    /**
     * Starts {@code command} (which moves itself into the group through {@link #procs()}, then prints {@code ready})
     * and waits for that first line; the group kills it when closed.
     */
    Process start(List<String> command) throws IOException {
        workload = new ProcessBuilder(command).start();
        assertEquals("ready", ExitsWindowKernelTest.lines(workload).readLine());
        return workload;
    }

    /** What a test checks of the calls counted: run while the workload still runs, so /proc still has its files. */
    interface Counted {
        void check(SyscallCounters.Result r) throws Exception;
    }

    /**
     * Counts the group's calls with every call traced (budget 1: diagnose's 2 % may switch the tracing off for part of
     * the window, and a file charged then is not in the result), creates {@code go}, waits up to 30 s for the workload
     * to create {@code done} ({@code notDone} says otherwise), stops counting and gives {@code check} the result.
     */
    void countCalls(Path go, Path done, String notDone, Counted check) throws Exception {
        try (SyscallCounters c = SyscallCounters.load(SyscallCounters.Filter.cgroup(id()), Path.of("/sys"), 1.0)) {
            c.attach(() -> -1);
            Files.writeString(go, "");
            for (int i = 0; i < 3000 && !Files.exists(done); i++) {
                Thread.sleep(10);
            }
            assertTrue(Files.exists(done), notDone);
            c.detach();
            check.check(c.read());
        }
    }

    @Override
    public void close() throws Exception {
        if (workload != null) {
            workload.destroyForcibly();
            workload.waitFor(10, TimeUnit.SECONDS);
        }
        Files.delete(dir);
    }
}
