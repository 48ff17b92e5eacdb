package io.boxscope.trace.live;

import static io.boxscope.trace.live.WrittenCapture.sc;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the exits of clone and clone3 (the parent's and the child's) carried flags=0 under {@code trace -w}; the
 * driver writes the caller's clone flags as PPM_CL_* (libs e5c53d64 driver/bpf/fillers.h f_proc_startupdate,
 * driver/ppm_flag_helpers.h clone_flags_to_scap). A perl child (in the host's PID namespace) makes {@link #N}
 * clone calls with CLONE_FS | CLONE_SYSVSEM | SIGCHLD through syscall(2) with this machine's number, and as many
 * clone3 calls with CLONE_FS | CLONE_SYSVSEM and exit signal SIGCHLD in struct clone_args (where the
 * architecture has clone3); each child exits at once. {@code sysdig -r} prints each exit, the parent's
 * and the child's, with flags=4098(CLONE_FS|CLONE_SYSVSEM) (PPM_CL_CLONE_FS 1&lt;&lt;1, PPM_CL_CLONE_SYSVSEM
 * 1&lt;&lt;12, driver/ppm_events_public.h); our reader prints the same lines.
 */
@KernelTest
class LiveWriteCloneFlagsTest {
    private static final int N = 3;

    @Test
    void cloneExitsCarryTheCallersFlags(@TempDir Path dir) throws Exception {
        // include/uapi/linux/sched.h: CLONE_FS 0x200, CLONE_SYSVSEM 0x40000; SIGCHLD as POSIX gives it
        long flags = 0x200 | 0x40000;
        StringBuilder p = new StringBuilder("$| = 1; use POSIX (); for my $i (1.." + N + ") { ");
        p.append("my $c = ").append(sc("clone", flags + " | POSIX::SIGCHLD(), 0, 0, 0, 0"))
                .append("; $c >= 0 or die \"clone $!\"; if ($c == 0) { POSIX::_exit(0); } waitpid($c, 0); ");
        boolean clone3 = WrittenCapture.has("clone3");
        if (clone3) {
            // struct clone_args, CLONE_ARGS_SIZE_VER0 (64 bytes): flags, pidfd, child_tid, parent_tid, exit_signal,
            // stack, stack_size, tls
            p.append("my $ca = pack('Q8', ").append(flags).append(", 0, 0, 0, POSIX::SIGCHLD(), 0, 0, 0); ")
                    .append("my $d = ").append(sc("clone3", "$ca, 64"))
                    .append("; $d >= 0 or die \"clone3 $!\"; if ($d == 0) { POSIX::_exit(0); } waitpid($d, 0); ");
        }
        p.append("}");
        Process child = Workload.perl(p.toString());
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("clone.scap"), child,
                "evt.type in (clone, clone3) and (proc.pid=" + child.pid() + " or proc.ppid=" + child.pid() + ")", true);
        String want = " flags=4098(CLONE_FS|CLONE_SYSVSEM) ";
        for (String call : clone3 ? List.of("clone", "clone3") : List.of("clone")) {
            List<String> parents = r.sysdig().stream().filter(l -> l.contains(" < " + call + " res=")
                    && !l.contains(" < " + call + " res=0 ")).toList();
            List<String> children = r.sysdig().stream().filter(l -> l.contains(" < " + call + " res=0 ")).toList();
            assertEquals(N, parents.size(), call + " exits in the parent: " + r.sysdig());
            assertEquals(N, children.size(), call + " exits in the children: " + r.sysdig());
            for (String l : parents) {
                assertEquals(true, l.contains(want), "parent's " + call + " exit " + l);
            }
            for (String l : children) {
                assertEquals(true, l.contains(want), "child's " + call + " exit " + l);
            }
        }
    }

    /**
     * A thread's clone3 exit: glibc (2.34+) pthread_create calls clone3 with struct clone_args on its own stack, and
     * the new thread's first return shares that memory, which the parent may have reused when the thread's exit
     * reads it. Python makes {@link #N} threads one after another; in the file, as {@code sysdig -r} prints it,
     * every thread's exit (res=0) carries the same flags as its parent's exit, CLONE_THREAD among them.
     */
    @Test
    void aThreadsClone3ExitCarriesItsParentsFlags(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(WrittenCapture.has("clone3"), "no clone3 on this architecture");
        Process child = new ProcessBuilder("python3", "-c", "import sys, threading\nsys.stdin.readline()\n"
                + "for i in range(" + (5 * N) + "):\n    t = threading.Thread(target=sum, args=([i],))\n    t.start()\n    t.join()\n")
                .start();
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("threads.scap"), child,
                "evt.type=clone3 and evt.dir=< and proc.pid=" + child.pid(), false);
        List<String> parents = r.sysdig().stream().filter(l -> l.contains(" < clone3 res=") && !l.contains(" < clone3 res=0 "))
                .map(LiveWriteCloneFlagsTest::flags).toList();
        List<String> children = r.sysdig().stream().filter(l -> l.contains(" < clone3 res=0 "))
                .map(LiveWriteCloneFlagsTest::flags).toList();
        org.junit.jupiter.api.Assumptions.assumeTrue(!parents.isEmpty(), "python's threads do not use clone3 here: " + r.sysdig());
        assertEquals(5 * N, parents.size(), r.sysdig().toString());
        assertEquals(5 * N, children.size(), r.sysdig().toString());
        assertEquals(true, parents.get(0).contains("CLONE_THREAD"), parents.get(0));
        for (String f : children) {
            assertEquals(parents.get(0), f, "a thread's clone3 exit");
        }
    }

    private static String flags(String line) {
        int at = line.indexOf(" flags=");
        return line.substring(at, line.indexOf(' ', at + 1));
    }
}
