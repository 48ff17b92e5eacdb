package io.boxscope.trace.live;

import static io.boxscope.trace.live.ChiselFixtures.chisel;
import static io.boxscope.trace.live.ChiselFixtures.rows;
import static io.boxscope.trace.live.ChiselFixtures.split;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.KernelTest;
import io.boxscope.trace.chisel.Chisels;
import io.boxscope.trace.chisel.TableChisel;
import io.boxscope.trace.filter.ContainerResolver;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.ServiceNames;
import org.junit.jupiter.api.Test;

/**
 * topscalls and topscalls_time counted in the kernel ({@link KernelChisel}), on a perl child that waits for a
 * line on stdin, then makes a known number of getpid calls (syscall(NR), NR as strace -n reports it) and
 * opens of a missing path. Oracles: those numbers (an enter and an exit event per call, as sysdig's
 * topscalls counts them) and the streamed capture ({@link LiveCapture}) of the same child at the same time.
 */
@KernelTest
class KernelChiselTest {
    /** Runs {@code whileCounting} while a KernelChisel counts on its own thread, then the child; the chisel is fed, never reset. */
    private static KernelChisel.Summary count(TableChisel c, PushDown.Split s, Process child, Runnable whileCounting)
            throws Exception {
        try (KernelChisel k = KernelChisel.start(HostPaths.DEFAULT, c, s.kernel())) {
            Background counting = Background.start(stop -> k.run(now -> { }, null, stop));
            whileCounting.run();
            Workload.release(child);
            assertEquals(0, child.exitValue(), new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            counting.stop(Duration.ZERO);
            return k.summary();
        }
    }

    /** A child failing to open a missing path {@code opens} times. */
    private static String failedOpens(int opens) {
        return Workload.failedOpens(opens, "/nonexistent/boxscope-kchisel-" + ProcessHandle.current().pid());
    }

    @Test
    void topscallsCountsEveryCallOfAPidExactly() throws Exception {
        int calls = 4321;
        int getpid = LiveCaptureTest.getpidNumber();
        Process child = Workload.getpids(getpid, calls);
        try {
            PushDown.Split s = split("proc.pid=" + child.pid());
            assertNull(KernelChisel.whyNot(chisel("topscalls"), s, 0));
            TableChisel c = chisel("topscalls");
            KernelChisel.Summary sum = count(c, s, child, () -> { });
            Map<String, Long> r = rows(c);
            assertEquals(2L * calls, r.get("getpid"), r.toString());
            assertEquals(1L, r.get("procexit"), r.toString()); // sched_process_exit, as the stream's procexit event
            assertTrue(sum.enters() >= calls && sum.exits() >= calls, sum.toString());
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void topscallsTimeSumsTheLatencyOfEachSyscall() throws Exception {
        int getpid = LiveCaptureTest.getpidNumber();
        Process child = Workload.perl("syscall(" + getpid + ") for 1..1000; select(undef, undef, undef, 0.3);");
        try {
            TableChisel c = chisel("topscalls_time");
            count(c, split("proc.pid=" + child.pid()), child, () -> { });
            Map<String, Long> r = rows(c);
            assertTrue(r.getOrDefault("getpid", 0L) > 0, r.toString());
            // the 0.3 s select is one call: its latency is at least that long
            long select = r.getOrDefault("select", 0L) + r.getOrDefault("pselect6", 0L);
            assertTrue(select >= 300_000_000L, r.toString());
            assertTrue(!r.containsKey("procexit"), "procexit has no latency: " + r);
        } finally {
            child.destroyForcibly();
        }
    }

    /** Failed-only in the kernel: only the failed exits count (the stream gets no entries either). */
    @Test
    void failedOnlyCountsTheFailedExits() throws Exception {
        int opens = 17;
        Process child = Workload.perl(failedOpens(opens) + " open(my $g, '<', '/etc/hostname') or die;");
        try {
            TableChisel c = chisel("topscalls");
            count(c, split("proc.pid=" + child.pid() + " and evt.type=openat and evt.failed=true"), child, () -> { });
            assertEquals(Map.of("openat", (long) opens), rows(c));
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * topprocs_errors counted in the kernel by (pid, comm) of each failed exit: the child's 17 failed opens,
     * in one row named as the stream names it (perl, its pid), and nothing else of it failed.
     */
    @Test
    void topprocsErrorsCountsTheFailedCallsOfTheProcess() throws Exception {
        int opens = 17;
        Process child = Workload.perl(failedOpens(opens));
        try {
            PushDown.Split s = split("proc.pid=" + child.pid());
            TableChisel c = chisel("topprocs_errors");
            assertNull(KernelChisel.whyNot(c, s, 0));
            KernelChisel.Summary sum = count(c, s, child, () -> { });
            assertEquals(Map.of("perl," + child.pid(), (long) opens), rows(c));
            assertEquals(0, sum.lost(), sum.toString());
            assertEquals(opens, sum.exits(), sum.toString());
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * Overload: a loop far faster than a consumer reading a one-page ring. The streamed capture of the same
     * child, at the same time, drops records (read + dropped = produced, counted); the kernel's counters
     * have every call.
     */
    @Test
    void underOverloadTheStreamDropsAndTheKernelCountsExactly() throws Exception {
        int calls = 200_000;
        int getpid = LiveCaptureTest.getpidNumber();
        Process child = Workload.getpids(getpid, calls);
        String filter = "proc.pid=" + child.pid() + " and evt.type=getpid";
        PushDown.Split s = split(filter);
        try (LiveCapture cap = LiveCapture.start(new LiveCapture.Options(HostPaths.DEFAULT,
                Filter.compile(filter, ServiceNames.none()), s.kernel(), LiveCapture.DEFAULT_SNAPLEN, 4096, 0, null, false))) {
            Background stream = new Background(stop -> cap.run((e, line, num) -> true, stop));
            TableChisel c = chisel("topscalls");
            count(c, s, child, stream::start);
            stream.stop(Duration.ofMillis(300));
            LiveCapture.Summary sum = cap.summary();
            assertTrue(sum.syscallDrops() > 0, "a one-page ring kept up with the loop: nothing was dropped " + sum);
            assertEquals(2L * calls, sum.syscallRecords() + sum.syscallDrops(), sum.toString());
            assertEquals(Map.of("getpid", 2L * calls), rows(c));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void whyNotSaysWhatKeepsAChiselOnTheStream() {
        PushDown.Split pid = split("proc.pid=1");
        assertNull(KernelChisel.whyNot(chisel("topscalls"), null, 0));
        assertNull(KernelChisel.whyNot(chisel("topscalls_time"), pid, 0));
        assertNull(KernelChisel.whyNot(chisel("topscalls"), split("proc.pid=1 and evt.type in (read, write) and evt.failed=true"), 0));
        assertTrue(KernelChisel.whyNot(chisel("topscalls"), split("proc.name=nginx"), 0).contains("only Java"));
        assertTrue(KernelChisel.whyNot(chisel("topscalls"), pid, 5).contains("-n"));
        assertTrue(KernelChisel.whyNot(Chisels.create("topscalls", List.of(), true), pid, 0).contains("container.name"));
        assertTrue(KernelChisel.whyNot(chisel("topfiles_bytes"), pid, 0).contains("fd.name"));
        assertNull(KernelChisel.whyNot(chisel("topprocs_file"), pid, 0));
        assertTrue(KernelChisel.whyNot(Chisels.create("topprocs_file", List.of(), true), pid, 0).contains("container.name"));
        assertTrue(KernelChisel.whyNot(chisel("topprocs_cpu"), split("proc.pid=1 and evt.type=open"), 0).contains("procinfo"));
        assertTrue(KernelChisel.whyNot(chisel("topprocs_net"), split("proc.name=perl"), 0).contains("only Java"));
        assertNull(KernelChisel.whyNot(chisel("topprocs_errors"), pid, 0));
        assertTrue(KernelChisel.whyNot(chisel("topprocs_errors"), split("proc.name=perl"), 0).contains("only Java"));
        assertTrue(KernelChisel.whyNot(Chisels.create("spy_file", List.of(), false), pid, 0).contains("not a table"));
        ContainerResolver web = (key, value) -> value.equals("web") ? java.util.Set.of(4242L) : java.util.Set.of();
        PushDown.Split running = PushDown.split(Filter.compile("container.name=web and evt.failed=true", ServiceNames.none()),
                SyscallTable.current(), EventTable.sysdig(), web);
        assertNull(KernelChisel.whyNot(chisel("topscalls"), running, 0), "a running container's cgroup is decided in the kernel");
        PushDown.Split later = PushDown.split(Filter.compile("container.name=nosuch", ServiceNames.none()),
                SyscallTable.current(), EventTable.sysdig(), web);
        assertTrue(KernelChisel.whyNot(chisel("topscalls"), later, 0).contains("only Java"), "a container not running: the stream");
    }
}
