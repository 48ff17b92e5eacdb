package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.HostPaths;
import io.boxscope.trace.filter.ContainerResolver;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.ServiceNames;
import org.junit.jupiter.api.Assumptions;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 (user walk of session 32): the kernel push-down dropped the calls that build the fd table (socket, openat,
 * dup2, close) when the pushed-down part of the filter left them out, so later kept events lost their fd names and
 * tuples, which sysdig keeps (its parser sees every event before its filter). Now those calls go out state-only
 * ({@link SyscallConfig#STATE_CALLS}, {@link RawRecord#STATE_FLAG}): applied, written {@code SCAP_DF_STATE_ONLY}, never
 * printed. The oracle: the same perl workload captured with only its pid pushed down, its file read by {@code sysdig -r}
 * with the filter (sysdig filters after its state update); the filtered capture's file must give the same lines
 * ({@link WrittenCapture#run} also checks that our reader prints the file as sysdig does). Both tests fail on the code
 * before: {@code tuple=NULL}, a failed open named {@code /dev/null} or nothing, reads with no fd name.
 */
@KernelTest
class LivePushDownStateTest {
    private static final String FORMAT = "%evt.dir %evt.type %fd.num %fd.name %evt.info";

    /**
     * A refused connect keeps its tuple and a failed open its name under {@code evt.failed=true}: the socket and the
     * successful opens, dup2 and close that did not fail go out state-only.
     */
    @Test
    void failedCallsKeepTheirTupleAndNameUnderAFailedOnlyPushDown(@TempDir Path dir) throws Exception {
        List<String> kept = compare(dir, "evt.failed=true and (evt.type=connect or evt.type=openat)");
        assertTrue(kept.stream().anyMatch(l -> l.strip().equals(
                "< connect 3 0.0.0.0:0->127.0.0.1:1 res=-111(ECONNREFUSED) tuple=0.0.0.0:0->127.0.0.1:1")), kept.toString());
        String d = dir.toRealPath().toString();
        // sysdig's fd.num of a failed open is -1, its fd.name the path the call was given (from its entry event)
        assertTrue(kept.stream().anyMatch(l -> l.startsWith("< openat -1 " + d + "/missing fd=-2(ENOENT)")), kept.toString());
    }

    /**
     * Reads of files opened after the start are named under {@code evt.type=read}, and a dup2 then a close and a new
     * open of the same number rename them: the opens, dup2 and close outside the syscall set go out state-only.
     */
    @Test
    void readsOfFilesOpenedDuringTheCaptureAreNamedUnderATypePushDown(@TempDir Path dir) throws Exception {
        List<String> kept = compare(dir, "evt.type=read");
        String d = dir.toRealPath().toString();
        assertTrue(kept.stream().anyMatch(l -> l.startsWith("> read 9 " + d + "/a ")), kept.toString());
        assertTrue(kept.stream().anyMatch(l -> l.startsWith("> read 4 " + d + "/b ")), kept.toString());
    }

    /**
     * The programs that now carry the state-only paths (the failed-only entry takes the whole entry path for the state
     * calls) stay below {@link #VERIFIER_BUDGET} verifier steps, as {@code LiveWriteIovecTest} asks of every capture program;
     * the figures are printed for docs/benchmarks.md.
     */
    @Test
    void verifierWorkOfThePushDownsStaysWellBelowTheLimit() throws Exception {
        for (String what : List.of("evt.failed=true", "evt.type=read", "evt.type=read and evt.failed=true")) {
            String filter = "proc.pid=" + ProcessHandle.current().pid() + " and " + what;
            Filter f = Filter.compile(filter, ServiceNames.none());
            PushDown.Split split = PushDown.split(f, SyscallTable.current(), EventTable.sysdig(), ContainerResolver.NONE);
            try (LiveCapture cap = LiveCapture.start(new LiveCapture.Options(HostPaths.DEFAULT, f, split.kernel(),
                    CaptureProbe.BLOB_MAX, LiveCapture.DEFAULT_RING_BYTES, 0, null, false))) {
                Map<String, OptionalLong> insns = cap.probe().verifiedInsns();
                System.out.println("verified_insns under " + filter + ": " + insns);
                Assumptions.assumeTrue(insns.get("trace_exit").isPresent(), "no verified_insns before Linux 5.16");
                for (String prog : List.of("trace_enter", "trace_exit")) {
                    long n = insns.get(prog).orElseThrow();
                    assertTrue(n > 0 && n < VERIFIER_BUDGET, prog + " under " + filter + " took " + n + " verifier steps: " + insns);
                }
            }
        }
    }

    /** Verifier steps any capture program may take (LiveWriteIovecTest's budget). */
    private static final long VERIFIER_BUDGET = 400_000;

    /**
     * The lines {@code sysdig -r} prints for the workload's calls (those naming the capture's directory or a connect)
     * under {@code filter}: from a capture with {@code filter} pushed down, equal to those of a capture with only the
     * pid pushed down, filtered by sysdig.
     */
    private static List<String> compare(Path dir, String filter) throws Exception {
        String d = WrittenCapture.realDirWith(dir, "a", "first file\n");
        WrittenCapture.realDirWith(dir, "b", "second file\n");
        List<String> oracle = lines(dir, d, "all.scap", null, filter);
        List<String> pushed = lines(dir, d, "pushed.scap", filter, null);
        assertTrue(!oracle.isEmpty(), "sysdig kept nothing of the unfiltered capture for " + filter);
        assertEquals(oracle, pushed, "pushed-down capture vs sysdig -r of the unfiltered one, filter " + filter);
        return pushed;
    }

    /**
     * Runs the workload under {@code pushed} (with the child's pid; null: the pid only) into {@code name}, and returns
     * {@code sysdig -r}'s lines for it under {@code readFilter} (null: none), those of the workload's calls only.
     */
    private static List<String> lines(Path dir, String d, String name, String pushed, String readFilter) throws Exception {
        Process child = Workload.perl("use Socket; use POSIX (); "
                + "socket(my $s, PF_INET, SOCK_STREAM, 0) or die 'socket'; "
                + "connect($s, pack_sockaddr_in(1, inet_aton('127.0.0.1'))) and die 'connected'; "
                + "open(my $f, '<', '" + d + "/a') or die 'a'; my $x; sysread($f, $x, 4); "
                + "POSIX::dup2(fileno($f), 9) or die 'dup2'; close($f); "
                + "open(my $g, '<', '" + d + "/b') or die 'b'; "
                + "POSIX::read(9, $x, 4); sysread($g, $x, 4); "
                + "open(my $h, '<', '" + d + "/missing') and die 'missing';");
        Path file = dir.resolve(name);
        String filter = "proc.pid=" + child.pid() + (pushed == null ? "" : " and " + pushed);
        WrittenCapture.run(file, child, filter, pushed != null);
        List<String> out = readFilter == null ? LiveCaptureTest.sysdig(file, "-p", FORMAT)
                : LiveCaptureTest.sysdig(file, "-p", FORMAT, readFilter);
        return out.stream().filter(l -> l.contains(d) || l.contains(" connect ")).toList();
    }
}
