package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.testkit.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Processes whose threads die together are counted once each by the exits collector ({@code ebpf-exits.bt}). The
 * workload runs {@link #RUNS} times, in a cgroup v2 the test makes, a python3 that starts {@link #THREADS} threads
 * spinning in user space and calls {@code os._exit} (exit_group(2): every thread is killed and goes through do_exit()
 * at once). Counting a process where {@code signal->live} reads 0 at {@code sched_process_exit} counts it once per
 * thread that reaches the tracepoint after the last decrement (the review of 2026-12-06 saw 101 for 100 such runs);
 * the tracepoint's {@code group_dead} is true for exactly one task ({@link ProcessExits}). Exactly {@link #RUNS}
 * processes of command python3: python 3.11 names no thread, so every task has the command python3. On a kernel
 * without {@code group_dead} this test states which test the script used and may then see the overcount.
 */
@KernelTest
class ThreadedExitsKernelTest {
    static final int RUNS = 60;
    static final int THREADS = 8;
    static final String PROGRAM = "import os, threading, time\n"
            + "def spin():\n    while True: pass\n"
            + "for _ in range(" + THREADS + "): threading.Thread(target=spin, daemon=True).start()\n"
            + "time.sleep(0.01)\nos._exit(0)\n";

    @Test
    void aProcessWhoseThreadsExitTogetherIsCountedOnce() throws Exception {
        HostPaths paths = HostPaths.DEFAULT;
        String name = "boxscope-test-exits-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        // the v2 tree: the cgroup root itself, or its unified/ on a hybrid host (this one: v1 controllers, v2 beside)
        Path cg = new io.boxscope.proc.cgroup.CgroupFs(paths).unifiedRoot()
                .orElseThrow(() -> new AssertionError("no cgroup v2 tree under " + paths.cgroupRoot())).resolve(name);
        Files.createDirectory(cg);
        try {
            Target t = Targets.resolve("/" + name, paths, ContainerDiscovery.of(paths));
            ProcessExits.GroupEnd end = ProcessExits.detect(paths.sysRoot());
            try (Ebpf e = Ebpf.start(t, paths, EnumSet.of(Ebpf.Collector.EXITS), BlockRequests.Start.IO_START)) {
                Process sh = new ProcessBuilder("sh", "-c", "echo $$ > " + cg.resolve("cgroup.procs") + " && n=0; while [ $n -lt "
                        + RUNS + " ]; do /usr/bin/python3 -c \"$0\" || exit 1; n=$((n+1)); done", PROGRAM)
                        .redirectErrorStream(true).start();
                sh.getOutputStream().close();
                if (!sh.waitFor(300, TimeUnit.SECONDS)) {
                    sh.destroyForcibly();
                    throw new AssertionError("the workload did not end in 300 s");
                }
                String out = new String(sh.getInputStream().readAllBytes());
                assertEquals(0, sh.exitValue(), out);
                EbpfFindings f = e.finish();
                List<EbpfFindings.Exited> exited = f.exited()
                        .orElseThrow(() -> new AssertionError("exits collector not measured: " + f.unmeasured()));
                long python = exited.stream().filter(x -> x.command().startsWith("python3")).mapToLong(EbpfFindings.Exited::processes).sum();
                assertEquals(RUNS, python, "end of process by " + end + ": " + exited + "; not measured " + f.unmeasured());
            }
        } finally {
            Files.delete(cg);
        }
    }
}
