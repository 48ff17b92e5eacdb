package io.boxscope.tools.funccount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.tools.hist.Running;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * funccount on the real kernel. The child (python3) blocks reading its standard input until the
 * probes are attached, then calls getpgid(2) exactly N times: with -p CHILD the count is N.
 */
@KernelTest
class FunccountKernelTest {
    private static final int N = 41;

    @Test
    void exactTracepointCountOfOneProcess() throws Exception {
        Process child = new ProcessBuilder("/usr/bin/python3", "-c",
                "import os, sys\nsys.stdin.read(1)\nfor _ in range(" + N + "): os.getpgid(0)\n").start();
        try (Running<Funccount.Report> r = Running.start(Funccount.run(FuncPattern.parse("t:syscalls:sys_enter_getpgid"),
                (int) child.pid(), false))) {
            try (OutputStream in = child.getOutputStream()) {
                in.write('x');
            }
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not end");
            assertEquals(0, child.exitValue());
            List<Funccount.Report> reports = r.stop();
            assertEquals(1, reports.size(), "one report at the end without -i");
            assertEquals(List.of(new Funccount.Count("syscalls:sys_enter_getpgid", N)), reports.getFirst().counts());
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * Runs the kernel skipped reach an interval tool's listener (and so the command's stderr line): each of N
     * PERF_EVENT_ARRAY updates of this thread skips the tool's kmem:kmalloc program once ({@code SkipTrigger}).
     */
    @Test
    void skippedRunsReachTheListener() throws Exception {
        try (Running<Funccount.Report> r = Running.start(Funccount.run(FuncPattern.parse("t:kmem:kmalloc"),
                (int) ProcessHandle.current().pid(), false))) {
            io.boxscope.bpf.feature.SkipTrigger.provokeKmallocSkips(N);
            r.stop();
            assertTrue(r.skipped() >= N, "skipped " + r.skipped() + ", provoked " + N);
        }
    }

    /** A wildcard over user functions: malloc* in libc, counted for one process only. */
    @Test
    void uprobeWildcardInOneProcess() throws Exception {
        Process child = new ProcessBuilder("/usr/bin/python3", "-c",
                "import sys\nsys.stdin.read(1)\nx = [bytearray(100000) for _ in range(50)]\n").start();
        try (Running<Funccount.Report> r = Running.start(Funccount.run(FuncPattern.parse("u:libc:malloc*"), (int) child.pid(), false))) {
            try (OutputStream in = child.getOutputStream()) {
                in.write('x');
            }
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            Funccount.Report report = r.stop().getLast();
            long malloc = report.counts().stream().filter(c -> c.func().equals("malloc")).mapToLong(Funccount.Count::count).sum();
            assertTrue(malloc >= 50, "python allocated 50 buffers of 100 kB through malloc: " + report);
        } finally {
            child.destroyForcibly();
        }
    }

    /** A kernel-function pattern on a kernel without kprobes: one line naming a tracepoint instead. */
    @Test
    void kernelFunctionNeedsKprobes() throws Exception {
        if (io.boxscope.bpf.feature.Features.attach(io.boxscope.bpf.feature.AttachKind.KPROBE).isSupported()) {
            return; // a kernel with kprobes counts vfs_read; this machine has none (see docs/tools.md)
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Funccount.check(FuncPattern.parse("vfs_read"), Path.of("/sys")));
        assertEquals(1, e.getMessage().lines().count());
        assertTrue(e.getMessage().contains("'t:syscalls:sys_enter_read'"), e.getMessage());
    }
}
