package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerDiscovery;
import io.boxscope.testkit.Kallsyms;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Workloads;
import io.boxscope.tools.stacks.StackSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * diagnose's on-CPU and off-CPU collectors carry into their findings how many kernel frames they showed as
 * {@code [unknown]} because kallsyms could not be read, and why: kallsyms from the proc root the collectors are given
 * (a tree of the test's own showing every address as 0, as kptr_restrict does). The target is a Python process of
 * the test's own reading /dev/zero a MiB at a time (kernel time on a CPU) and sleeping a millisecond between reads
 * (kernel stacks off it: testkit's Workloads.readZeroAndSleep). Oracle: the kernel frames of the stacks are all
 * {@code [unknown]} and the count is positive (its exact value, the distinct addresses of the stacks shown: tools'
 * StackRunKernelSymbolsMissingTest). With /proc the findings say nothing missing when this machine's kallsyms reads
 * (asked of the system, not assumed).
 */
@KernelTest
class EbpfKernelSymbolsTest {
    @TempDir
    Path tmp;

    /**
     * Watches for 3 s once the workload is in its loop (it has read a MiB of /dev/zero: {@code rchar} of
     * /proc/PID/io, proc(5)). The profile samples at diagnose's fixed 99 Hz and the workload is on a CPU a few % of the
     * time: CI at d0afe0ec (load 20-25) watched 1.5 s from the start of a Python still starting and saw no on-CPU
     * kernel frame.
     */
    static EbpfFindings watch(Process w, HostPaths symbols) throws Exception {
        awaitReading(w);
        Target t = Targets.resolve(Long.toString(w.pid()), HostPaths.DEFAULT, ContainerDiscovery.of(HostPaths.DEFAULT));
        try (Ebpf e = Ebpf.start(t, symbols, EnumSet.of(Ebpf.Collector.ONCPU, Ebpf.Collector.OFFCPU), BlockRequests.Start.IO_START)) {
            Thread.sleep(3000);
            assertTrue(w.isAlive(), "the workload ended early");
            return e.finish();
        }
    }

    static void awaitReading(Process w) throws Exception {
        Path io = Path.of("/proc", Long.toString(w.pid()), "io");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            assertTrue(w.isAlive(), "the workload ended before it read");
            long rchar = java.nio.file.Files.readAllLines(io).stream().filter(l -> l.startsWith("rchar:"))
                    .mapToLong(l -> Long.parseLong(l.substring(6).trim())).findFirst().orElse(0);
            if (rchar >= 1 << 20) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the workload read no MiB of /dev/zero in 30 s");
    }

    static List<String> kernelFrames(Optional<List<StackSample>> stacks) {
        return stacks.orElseThrow().stream().flatMap(s -> s.kernel().stream()).toList();
    }

    static void assertCounted(Optional<List<StackSample>> stacks, Optional<KernelSymbolsMissing> missing, Path kallsyms) {
        List<String> frames = kernelFrames(stacks);
        assertFalse(frames.isEmpty(), "no kernel frame of the workload");
        assertTrue(frames.stream().allMatch("[unknown]"::equals), frames::toString);
        KernelSymbolsMissing m = missing.orElseThrow();
        assertTrue(m.addresses() > 0, m + ", " + frames.size() + " frames shown");
        assertTrue(m.reason().startsWith("kernel symbols could not be read: " + kallsyms + " shows every address as 0"), m.reason());
    }

    @Test
    void hiddenKallsymsAreCountedPerCollector() throws Exception {
        Path proc = Kallsyms.hidden(tmp.resolve("proc"));
        Process w = Workloads.readZeroAndSleep();
        try {
            EbpfFindings f = watch(w, new HostPaths(proc, Path.of("/sys")));
            assertEquals(List.of(), f.unmeasured().stream().filter(u -> !PreemptedWaitsKernelTest.STACKS_UNREAD.matcher(u).matches()).toList());
            assertCounted(f.onCpu(), f.onCpuSymbolsMissing(), proc.resolve("kallsyms"));
            assertCounted(f.offCpu(), f.offCpuSymbolsMissing(), proc.resolve("kallsyms"));
        } finally {
            w.destroyForcibly().waitFor();
        }
    }

    @Test
    void theRealKallsymsLeavesNothingMissingWhenThisMachineCanReadIt() throws Exception {
        boolean readable = Kallsyms.readableHere();
        Process w = Workloads.readZeroAndSleep();
        try {
            EbpfFindings f = watch(w, HostPaths.DEFAULT);
            assertFalse(kernelFrames(f.offCpu()).isEmpty(), "no off-CPU kernel frame of the workload");
            if (readable) {
                assertEquals(Optional.empty(), f.onCpuSymbolsMissing());
                assertEquals(Optional.empty(), f.offCpuSymbolsMissing());
            } else {
                assertTrue(f.offCpuSymbolsMissing().isPresent(), "kallsyms unreadable, yet nothing counted");
            }
        } finally {
            w.destroyForcibly().waitFor();
        }
    }
}
