package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.testkit.KernelTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exits collector ({@code ebpf-exits.bt}) counts the window's part of an exiting task's CPU time, and a process
 * target's children's exits. Each workload is the test's own, with a command name nothing else on the host runs.
 */
@KernelTest
class ExitsWindowKernelTest {
    /** Burns {@code before} CPU-s, says "ready", waits for GO to exist, burns {@code after} CPU-s, exits. */
    static final String BURN = "import os, sys, time\n"
            + "def burn(s):\n    end = time.process_time() + s\n    while time.process_time() < end: pass\n"
            + "burn(float(sys.argv[1])); print('ready', flush=True)\n"
            + "while not os.path.exists(sys.argv[3]): time.sleep(0.02)\n"
            + "burn(float(sys.argv[2])); os._exit(0)\n";

    static String unique(String prefix) {
        return prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    }

    /** python3 under a name of its own (a link: the exiting task's comm is the link's name, up to 15 bytes). */
    static Path python(Path dir, String name) throws Exception {
        Path p = dir.resolve(name);
        Files.createSymbolicLink(p, Path.of("/usr/bin/python3").toRealPath());
        return p;
    }

    @Test
    void aProcessTargetsCpuBeforeTheWindowIsNotCounted(@TempDir Path dir) throws Exception {
        String name = unique("dgb");
        Path go = dir.resolve("go");
        Process p = new ProcessBuilder(python(dir, name).toString(), "-c", BURN, "2.0", "0.5", go.toString()).start();
        try {
            BufferedReader out = lines(p);
            Target t = whenReady(p, out); // 2 CPU-s burnt before the collector starts
            HostPaths paths = HostPaths.DEFAULT;
            try (Ebpf e = Ebpf.start(t, paths, EnumSet.of(Ebpf.Collector.EXITS), BlockRequests.Start.IO_START)) {
                Files.writeString(go, "");
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the workload did not end");
                EbpfFindings f = e.finish();
                EbpfFindings.Exited x = one(f, name);
                assertEquals(1, x.processes(), f.exited().toString());
                // 0.5 CPU-s burnt in the window, plus its polling and exit; with its whole life counted: 2.5 and more
                assertTrue(x.cpuNs() >= 450_000_000L && x.cpuNs() < 1_500_000_000L,
                        "CPU counted " + x.cpuNs() / 1e9 + " s for 0.5 s in the window (2 s before it); not measured " + f.unmeasured());
            }
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aCgroupTargetsCpuBeforeTheWindowIsNotCounted(@TempDir Path dir) throws Exception {
        HostPaths paths = HostPaths.DEFAULT;
        String name = unique("dgc");
        Path go = dir.resolve("go");
        try (TestCgroup cg = TestCgroup.create("boxscope-test-exitcpu-")) {
            Process p = cg.start(List.of("sh", "-c", "echo $$ > " + cg.procs() + " && exec \"$0\" -c \"$1\" 2.0 0.0 \"$2\"",
                    python(dir, name).toString(), BURN, go.toString()));
            Target t = Targets.resolve("/" + cg.name(), paths, ContainerDiscovery.of(paths));
            try (Ebpf e = Ebpf.start(t, paths, EnumSet.of(Ebpf.Collector.EXITS), BlockRequests.Start.IO_START)) {
                Files.writeString(go, "");
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the workload did not end");
                EbpfFindings f = e.finish();
                EbpfFindings.Exited x = one(f, name);
                assertEquals(1, x.processes(), f.exited().toString());
                assertTrue(x.cpuNs() < 500_000_000L,
                        "CPU counted " + x.cpuNs() / 1e9 + " s for a process that burnt 2 s before the window and ~0 in it; not measured "
                                + f.unmeasured());
            }
        }
    }

    @Test
    void aProcessTargetSeesItsDescendantsExits(@TempDir Path dir) throws Exception {
        String kid = unique("dgk");
        Files.createSymbolicLink(dir.resolve(kid), Path.of("/bin/true").toRealPath());
        Path go = dir.resolve("go");
        String old = unique("dgo");
        // a grandchild there before the window (a python3 waiting for go, under an sh -c that waits for it), then in
        // the window 10 children and 10 grandchildren (each through an sh -c that forks it: "; :" keeps dash from
        // exec'ing it); the shell waits for the first grandchild's sh before it ends
        Process sh = new ProcessBuilder("sh", "-c", "sh -c '\"$0\" -c \"$1\" 0 0 \"$2\" >\"$3\"; :' \"$2\" \"$3\" \"$1\" \"$4\" & "
                + "while [ ! -e \"$4\" ]; do sleep 0.02; done; echo ready; while [ ! -e \"$1\" ]; do sleep 0.02; done; i=0; "
                + "while [ $i -lt 10 ]; do \"$0\"; sh -c '\"$0\"; :' \"$0\"; i=$((i+1)); done; wait",
                dir.resolve(kid).toString(), go.toString(), python(dir, old).toString(), BURN, dir.resolve("started").toString()).start();
        try {
            BufferedReader out = lines(sh);
            // the grandchild exists once "started" does: the file is its standard output, opened after the fork
            Target t = whenReady(sh, out);
            HostPaths paths = HostPaths.DEFAULT;
            try (Ebpf e = Ebpf.start(t, paths, EnumSet.of(Ebpf.Collector.EXITS), BlockRequests.Start.IO_START)) {
                Files.writeString(go, "");
                assertTrue(sh.waitFor(120, TimeUnit.SECONDS), "the workload did not end");
                assertEquals(0, sh.exitValue());
                EbpfFindings f = e.finish();
                assertEquals(20, one(f, kid).processes(), f.exited() + "; not measured " + f.unmeasured());
                assertEquals(1, one(f, old).processes(), "the grandchild there before the window: " + f.exited());
            }
        } finally {
            sh.destroyForcibly();
        }
    }

    /**
     * A task whose tid held a bigger CPU time at the window's start than it has run (its tid another task's then: tids
     * wrap at pid_max) counts its whole runtime. Until 2026-12-06 the unsigned subtraction wrapped to ~2^64 ns.
     */
    @Test
    void aStartAboveTheRuntimeCountsTheWholeRuntime(@TempDir Path dir) throws Exception {
        String name = unique("dgw");
        Path go = dir.resolve("go");
        Process p = new ProcessBuilder(python(dir, name).toString(), "-c", BURN, "0.0", "0.3", go.toString()).start();
        try {
            BufferedReader out = lines(p);
            Target t = whenReady(p, out);
            HostPaths paths = HostPaths.DEFAULT;
            try (Ebpf e = Ebpf.start(t, paths, EnumSet.of(Ebpf.Collector.EXITS), BlockRequests.Start.IO_START)) {
                var s = e.session(Ebpf.Collector.EXITS).orElseThrow(() -> new AssertionError("exits collector not running"));
                assertEquals(1, s.forget("@dg_start", k -> k == p.pid()), "the process's start was not seeded");
                assertTrue(s.seed("@dg_start", p.pid(), 1L << 50)); // 13 days of CPU: more than it will have run
                Files.writeString(go, "");
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the workload did not end");
                EbpfFindings f = e.finish();
                EbpfFindings.Exited x = one(f, name);
                assertTrue(x.cpuNs() >= 250_000_000L && x.cpuNs() < 600_000_000_000L,
                        "CPU counted " + x.cpuNs() + " ns for a process that ran ~0.3 s; not measured " + f.unmeasured());
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * A descendant that exits between the baseline's read and the attach is deleted from {@code @dg_target}: its pid,
     * given again to another process, is not the target's. Until 2026-12-06 its entry stayed for the window.
     */
    @Test
    void aDescendantGoneBeforeTheAttachIsForgotten(@TempDir Path dir) throws Exception {
        Path go = dir.resolve("go");
        Path kidPid = dir.resolve("kidpid");
        Process sh = new ProcessBuilder("sh", "-c", "sleep 600 & echo $! > \"$1\"; echo ready; "
                + "while [ ! -e \"$0\" ]; do sleep 0.02; done; wait", go.toString(), kidPid.toString()).start();
        try {
            BufferedReader out = lines(sh);
            Target t = whenReady(sh, out);
            long kid = Long.parseLong(Files.readString(kidPid).strip());
            assertKilledBeforeTheAttachIsForgotten(t, sh.pid(), kid, () -> waitGone(kid),
                    "the descendant did not exit before the attach", "gone");
            Files.writeString(go, "");
            assertTrue(sh.waitFor(120, TimeUnit.SECONDS));
        } finally {
            sh.destroyForcibly();
        }
    }

    /**
     * A descendant that exits before the attach and stays a zombie (its parent, a python3 that does not wait for it
     * until told to, has not reaped it) is forgotten too: the children file lists a zombie until it is reaped
     * (fs/proc/array.c get_children_pid), and the recheck took it for a live descendant, so its entry stayed. Until
     * 2026-12-06 it did: {@link #aDescendantGoneBeforeTheAttachIsForgotten} failed whenever its shell had not reaped
     * the killed sleep by the recheck.
     */
    @Test
    void aZombieDescendantGoneBeforeTheAttachIsForgotten(@TempDir Path dir) throws Exception {
        Path go = dir.resolve("go");
        String script = "import os, sys, time\n"
                + "kid = os.fork()\n"
                + "if kid == 0:\n    time.sleep(600)\n    os._exit(0)\n"
                + "print(kid)\nprint('ready', flush=True)\n"
                + "while not os.path.exists(sys.argv[1]): time.sleep(0.02)\n"
                + "os.waitpid(kid, 0)\n";
        Process p = new ProcessBuilder("python3", "-c", script, go.toString()).start();
        long kid = -1;
        try {
            BufferedReader out = lines(p);
            kid = Long.parseLong(out.readLine().strip());
            long child = kid;
            Target t = whenReady(p, out);
            assertKilledBeforeTheAttachIsForgotten(t, p.pid(), child,
                    () -> waitGone(child) && Files.exists(Path.of("/proc", Long.toString(child))),
                    "the descendant did not become a zombie before the attach", "zombie");
            Files.writeString(go, "");
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
            if (kid > 0) {
                ProcessHandle.of(kid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * Starts the exits collector on {@code t} (the process {@code target}) and, when the collector is told of the
     * target's descendants (the phase between the baseline's read and the attach), kills {@code kid}; {@code
     * settled} says whether it reached the state the test is about ({@code state}: gone, zombie) before the attach.
     * Then {@code kid}'s entry must be gone from {@code @dg_target} and the target's own must stay.
     */
    private static void assertKilledBeforeTheAttachIsForgotten(Target t, long target, long kid, BooleanSupplier settled,
                                                                String unsettled, String state) throws Exception {
        boolean[] reached = {false};
        try (Ebpf e = Ebpf.start(t, HostPaths.DEFAULT, EnumSet.of(Ebpf.Collector.EXITS), phase -> {
            if (phase.startsWith("exits collector told")) {
                ProcessHandle.of(kid).ifPresent(ProcessHandle::destroyForcibly);
                reached[0] = settled.getAsBoolean();
            }
        })) {
            assertTrue(reached[0], unsettled);
            var s = e.session(Ebpf.Collector.EXITS).orElseThrow(() -> new AssertionError("exits collector not running"));
            assertEquals(0, s.forget("@dg_target", k -> k == kid), "the " + state + " descendant's pid is still in @dg_target");
            assertEquals(1, s.forget("@dg_target", k -> k == target), "the target's own pid was deleted");
        }
    }

    /**
     * A process a descendant forks between the baseline's read and the attach (no fork seen by the program) is found
     * by reading the children files again after it: its exit is counted. Until 2026-12-06 it was missed.
     */
    @Test
    void aForkBeforeTheAttachIsCounted(@TempDir Path dir) throws Exception {
        String kid = unique("dgg");
        Path fork = dir.resolve("fork");
        Path go = dir.resolve("go");
        Path kidPid = dir.resolve("kidpid");
        Process sh = new ProcessBuilder("sh", "-c", "echo ready; while [ ! -e \"$1\" ]; do sleep 0.02; done; "
                + "\"$0\" -c \"$3\" 0 0 \"$2\" > /dev/null & echo $! > \"$4.tmp\"; mv \"$4.tmp\" \"$4\"; wait",
                python(dir, kid).toString(), fork.toString(), go.toString(), BURN, kidPid.toString()).start();
        try {
            BufferedReader out = lines(sh);
            Target t = whenReady(sh, out);
            HostPaths paths = HostPaths.DEFAULT;
            boolean[] forked = {false};
            try (Ebpf e = Ebpf.start(t, paths, EnumSet.of(Ebpf.Collector.EXITS), phase -> {
                if (phase.startsWith("exits collector told")) {
                    try {
                        Files.writeString(fork, "");
                        for (int i = 0; i < 3000 && !Files.exists(kidPid); i++) {
                            Thread.sleep(10);
                        }
                        forked[0] = Files.exists(kidPid);
                    } catch (Exception ex) {
                        throw new AssertionError(ex);
                    }
                }
            })) {
                assertTrue(forked[0], "the descendant was not forked before the attach");
                Files.writeString(go, "");
                assertTrue(sh.waitFor(120, TimeUnit.SECONDS), "the workload did not end");
                EbpfFindings f = e.finish();
                assertEquals(1, one(f, kid).processes(), f.exited() + "; not measured " + f.unmeasured());
            }
        } finally {
            sh.destroyForcibly();
        }
    }

    /**
     * A thread other than the leader that execs takes the leader's pid, and its old tid is released with no exit of
     * its own (kernel/exec.c de_thread): the entry the fork program made for it is deleted. Until 2026-12-06 it stayed.
     */
    @Test
    void aThreadThatExecsLeavesNoEntryForItsOldTid(@TempDir Path dir) throws Exception {
        String name = unique("dgx");
        Files.createSymbolicLink(dir.resolve(name), Path.of("/bin/true").toRealPath());
        Path go = dir.resolve("go");
        Path go2 = dir.resolve("go2");
        String script = "import os, sys, threading, time\n"
                + "print('ready', flush=True)\n"
                + "while not os.path.exists(sys.argv[1]): time.sleep(0.02)\n"
                + "def run():\n    print(threading.get_native_id(), flush=True)\n"
                + "    while not os.path.exists(sys.argv[2]): time.sleep(0.02)\n"
                + "    os.execv(sys.argv[3], [sys.argv[3]])\n"
                + "threading.Thread(target=run).start()\n"
                + "time.sleep(120)\n";
        Process p = new ProcessBuilder("python3", "-c", script, go.toString(), go2.toString(), dir.resolve(name).toString()).start();
        try {
            BufferedReader out = lines(p);
            Target t = whenReady(p, out);
            HostPaths paths = HostPaths.DEFAULT;
            try (Ebpf e = Ebpf.start(t, paths, EnumSet.of(Ebpf.Collector.EXITS), BlockRequests.Start.IO_START)) {
                Files.writeString(go, "");
                long tid = Long.parseLong(out.readLine().strip()); // made in the window: the fork program added it
                assertTrue(tid != p.pid());
                Files.writeString(go2, "");
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the workload did not end");
                var s = e.session(Ebpf.Collector.EXITS).orElseThrow(() -> new AssertionError("exits collector not running"));
                assertEquals(0, s.forget("@dg_target", k -> k == tid), "the exec'd thread's old tid is still in @dg_target");
                EbpfFindings f = e.finish();
                assertEquals(1, one(f, name).processes(), f.exited() + "; not measured " + f.unmeasured());
            }
        } finally {
            p.destroyForcibly();
        }
    }

    static BufferedReader lines(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Waits for the workload's "ready" line on {@code out}, then resolves its process as {@code diagnose PID} does. */
    static Target whenReady(Process p, BufferedReader out) throws java.io.IOException {
        assertEquals("ready", out.readLine());
        return Targets.resolve(Long.toString(p.pid()), HostPaths.DEFAULT, ContainerDiscovery.of(HostPaths.DEFAULT));
    }

    /** Whether {@code pid} is gone or a zombie within 10 s. */
    static boolean waitGone(long pid) {
        for (int i = 0; i < 1000; i++) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                    return true;
                }
                Thread.sleep(10);
            } catch (java.io.IOException ex) {
                return true;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    static EbpfFindings.Exited one(EbpfFindings f, String command) {
        List<EbpfFindings.Exited> exited = f.exited().orElseThrow(() -> new AssertionError("exits collector not measured: " + f.unmeasured()));
        return exited.stream().filter(x -> x.command().equals(command)).findFirst()
                .orElseThrow(() -> new AssertionError("no exit of " + command + " counted: " + exited + "; not measured " + f.unmeasured()));
    }
}
