package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a fork inside a container's pid namespace. The caller's clone exit returns the child's id in the
 * namespace (here 7), not its host tid (501); libsinsp's parse_clone_exit (libs e5c53d64 parsers.cpp) makes no
 * entry on that side when the clone is in a namespace (PPM_CL_CHILD_IN_PIDNS, or the event's vtid is not its
 * tid) and builds the child from the child's own exit, with the vtid/vpid that exit gives. Boxscope made an
 * entry for tid 7 named after the caller, so {@code res=7(sh)} and every later {@code pid=7} were named, and a
 * host thread with tid 7 was replaced. The expectations are what the installed sysdig 0.29 prints.
 */
class TraceContainerCloneTest extends CaptureFileTest {
    /** PPM_CL_CHILD_IN_PIDNS (driver/ppm_events_public.h). */
    private static final long IN_PIDNS = 1L << 29;

    @Test
    void aCloneInAPidNamespaceNamesNoThreadByItsNamespaceId() throws Exception {
        // host thread 7 ("kworker") and a container's shell: host tid 500, tid 1 in its namespace
        CaptureTables tables = tables("pidns",
                List.of(ThreadInfo.of(7, 7, 2, "kworker", "", List.of(), "/", 0, 0),
                        new ThreadInfo(500, 500, 400, 500, 500, "sh", "/bin/sh", "/bin/sh", List.of("-c", "x"), "/", 1024,
                                0, 0, 0, 0, 0, 0, 0, 0, List.of(), 1, 1, List.of(), "/", -1, false)),
                Map.of());
        // the caller's side: res is the child's id in the namespace; the event's own vtid/vpid are the caller's
        clone(500, 7, 500, 400, 1, 1);
        // the child's side: host tid 501, tid 7 in the namespace
        clone(501, 0, 501, 500, 7, 7);
        kill(500, 7, 15, 0);
        kill(501, 501, 0, 0);
        // a thread the tables do not list (vtid and vpid unknown: <NA>) and a child whose exit gives vtid -1
        ev.add(ScapEvent.builder("PPME_SYSCALL_KILL_E", ts += 1000, 900, 0).num(1).num(0).build());
        clone(502, 0, 502, 500, -1, -1);
        Path file = write("pidns", tables);
        String fmt = "%evt.num %thread.tid %thread.vtid %proc.pid %proc.vpid %proc.ppid %evt.type %proc.name %proc.exe"
                + " %proc.cmdline %evt.info";
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.<String>of(), List.of("-j"), List.of("-v"),
                List.of("-p", "*" + fmt), List.of("-p", fmt), List.of("-c", "ps")));
        String lines = TraceReadFilterTest.oursRead(file, List.of("-p", "*" + fmt));
        // what sysdig printed: res=7 names the host's thread 7 (a PT_PID is a host tid), which stays; the child
        // is built from its own exit with its namespace ids
        assertTrue(lines.contains(" clone sh /bin/sh sh -c x res=7(kworker) "), lines);
        assertTrue(lines.contains(" 501 7 501 7 500 clone sh /bin/sh sh -c x res=0 "), lines);
        assertTrue(lines.contains("pid=7(kworker)"), lines);
    }

    /**
     * A thread the capture's tables do not list gets sinsp's entry with an unknown fd limit (-1,
     * sinsp_threadinfo::init); ps.lua prints it as the uint32 sysdig.get_thread_table gives: 4294967295, cut to
     * 10 columns. Boxscope printed 0 (and -1 for a listed thread whose limit was unknown).
     */
    @Test
    void psPrintsAnUnknownFdLimitAsSysdigDoes() throws Exception {
        CaptureTables tables = tables("fdlimit",
                List.of(new ThreadInfo(500, 500, 400, 500, 500, "sh", "/bin/sh", "/bin/sh", List.of("-c", "x"), "/", -1,
                        0, 0, 0, 0, 0, 0, 0, 0, List.of(), 500, 500, List.of(), "/", -1, false)),
                Map.of());
        kill(900, 500, 0, 0);
        Path file = write("fdlimit", tables);
        String theirs = TraceReadFilterTest.sysdigRead(file, List.of("-c", "ps"));
        assertEquals(theirs, TraceReadFilterTest.oursRead(file, List.of("-c", "ps")));
        assertEquals(2, theirs.lines().filter(l -> l.contains(" 429496729 ")).count(), theirs);
    }

    /** A fork's clone exit as the driver writes it: res, exe, args, tid, pid, ptid, cwd, ..., comm, cgroups, flags, ids, vtid, vpid. */
    private void clone(long tid, long res, long pid, long ptid, long vtid, long vpid) {
        if (res != 0) {
            ev.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_E", ts += 1000, tid, 0).build());
        }
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_X", ts += 1000, tid, 0).num(res).str("/bin/sh")
                .bytes(SessionCapture.nul("-c", "x")).num(tid).num(pid).num(ptid).str("/").num(1024).num(0).num(5)
                .num(8000).num(4000).num(0).str("sh").bytes(SessionCapture.nul()).num(IN_PIDNS).num(0).num(0).num(vtid).num(vpid).build());
    }
}
