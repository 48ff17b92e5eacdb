package io.boxscope.tools.offcputime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.stacks.Folded;
import io.boxscope.tools.stacks.StackSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * offcputime on a C program that does nothing but sleep in a function we named: its off-CPU time
 * must be charged to that function's user stack and to the kernel's nanosleep path, and with
 * {@code -p} to nobody else. No timing is asserted beyond "most of it".
 */
@KernelTest
class OffcputimeKernelTest {
    @TempDir
    Path dir;

    /** The frames of the stack with the largest total in libbpf-tools offcputime's multi-line output. */
    static java.util.List<String> heaviestStack(String out) {
        java.util.List<String> best = java.util.List.of();
        long bestUs = -1;
        java.util.List<String> frames = new java.util.ArrayList<>();
        boolean total = false;
        for (String line : out.lines().toList()) {
            if (line.startsWith("    -  ")) {
                total = true;
            } else if (total && line.startsWith("        ")) {
                long us = Long.parseLong(line.strip());
                if (us > bestUs) {
                    bestUs = us;
                    best = java.util.List.copyOf(frames);
                }
                frames.clear();
                total = false;
            } else if (line.startsWith("    ") && !line.isBlank()) {
                frames.add(line.strip());
            }
        }
        return best;
    }

    @Test
    void chargesSleepToTheSleepingFunction() throws Exception {
        Path src = dir.resolve("sleeper.c");
        Files.writeString(src, """
                #include <time.h>
                #include <unistd.h>
                /* Frame-pointer unwinding loses the caller of a libc leaf (clock_nanosleep keeps no frame):
                   the named function calls one more of ours, whose frame is the one lost. */
                __attribute__((noinline)) void boxscope_inner(void) {
                    struct timespec ts = {0, 20000000};
                    nanosleep(&ts, 0);
                }
                __attribute__((noinline)) void boxscope_sleeper(void) { boxscope_inner(); }
                int main(void) { alarm(60); for (;;) { boxscope_sleeper(); } }
                """);
        Path bin = dir.resolve("sleeper");
        Process cc = new ProcessBuilder("gcc", "-O0", "-fno-omit-frame-pointer", "-fno-optimize-sibling-calls", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "gcc: " + ccOut);
        Process p = new ProcessBuilder(bin.toString()).start();
        try {
            Offcputime.Options o = new Offcputime.Options((int) p.pid(), -1, 1, Long.MAX_VALUE, -1, OptionalLong.empty(),
                    Duration.ofSeconds(2));
            Offcputime.Report r = Offcputime.run(o, io.boxscope.proc.HostPaths.DEFAULT, n -> {
                Thread.sleep(n / 1_000_000);
                return false;
            });
            assertFalse(r.stacks().isEmpty(), "no off-CPU time for the sleeper");
            assertTrue(r.stacks().stream().allMatch(s -> s.pid() == p.pid()), "-p let other threads in: " + Folded.lines(r.stacks(), false));
            // kernel frames left [unknown] because kallsyms could not be read: none when it reads (this machine, as root)
            org.junit.jupiter.api.Assertions.assertNull(io.boxscope.tools.stacks.ThisKallsyms.check(r.stacks(), r.kernelSymbolsMissing()));
            long inSleeper = r.stacks().stream()
                    .filter(s -> s.user().contains("boxscope_sleeper") && s.kernel().stream().anyMatch(f -> f.contains("nanosleep")))
                    .mapToLong(StackSample::weight).sum();
            assertTrue(inSleeper * 2 > r.totalUs(), inSleeper + " of " + r.totalUs() + " us in boxscope_sleeper/nanosleep: "
                    + Folded.lines(r.stacks(), false));

            // libbpf-tools' offcputime on the same process: its heaviest stack has the same kernel path from
            // __schedule down (it adds its own BPF program's frames above), and the same named user function.
            Process peer = new ProcessBuilder("/usr/sbin/offcputime", "-p", Long.toString(p.pid()), "2").redirectErrorStream(false).start();
            String out = new String(peer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(peer.waitFor(60, TimeUnit.SECONDS) && peer.exitValue() == 0, "/usr/sbin/offcputime: " + out);
            java.util.List<String> first = heaviestStack(out);
            StackSample ours = r.stacks().getFirst();
            java.util.List<String> theirsKernel = first.subList(first.indexOf("__schedule"), first.indexOf("entry_SYSCALL_64_after_hwframe") + 1);
            java.util.List<String> oursKernel = ours.kernel().subList(ours.kernel().indexOf("__schedule"), ours.kernel().size());
            org.junit.jupiter.api.Assertions.assertEquals(theirsKernel, oursKernel, out);
            assertTrue(first.contains("boxscope_sleeper") && ours.user().contains("boxscope_sleeper"), out);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    /**
     * {@code --state 0} is every switch that left the thread runnable, as BCC's raw {@code __state == 0} is: testkit's
     * two {@code dd} pinned to one CPU are preempted inside /dev/zero's read, which sched_switch reports as 0x100, not 0
     * (io.boxscope.tools.sched.SwitchState). Such a switch always has {@code read_zero} (or {@code read_iter_zero}) on
     * its kernel stack, and only such a switch does, so with {@code prev_state == 0} no stack through it is found.
     */
    @Test
    void stateZeroIncludesPreemptionsInsideTheKernel() throws Exception {
        String model = io.boxscope.testkit.Workloads.preemptionModel();
        java.util.List<Process> dds = io.boxscope.testkit.Workloads.preemptedInTheKernel();
        try {
            Thread.sleep(200);
            long pid = dds.getFirst().pid();
            Offcputime.Options o = new Offcputime.Options((int) pid, -1, 1, Long.MAX_VALUE, 0, OptionalLong.empty(), Duration.ofSeconds(2));
            Offcputime.Report r = Offcputime.run(o, io.boxscope.proc.HostPaths.DEFAULT, n -> {
                Thread.sleep(n / 1_000_000);
                return false;
            });
            long inRead = r.stacks().stream()
                    .filter(s -> s.kernel().stream().anyMatch(f -> f.contains("read_zero") || f.contains("read_iter_zero")))
                    .mapToLong(StackSample::weight).sum();
            assertTrue(inRead > 0, "preemption model " + model + ": no --state 0 time in /dev/zero's read: "
                    + Folded.lines(r.stacks(), false));
        } finally {
            for (Process p : dds) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
