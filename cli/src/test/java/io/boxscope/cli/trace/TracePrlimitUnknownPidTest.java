package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a prlimit64 that sets RLIMIT_NOFILE on a pid the thread table lacks. sinsp's parse_prlimit_exit (libs
 * e5c53d64 parsers.cpp) asks get_thread_ref(tid, query_os_if_not_found true); a capture file cannot be queried, so
 * threadinfo.cpp adds its fake entry (the pid its own process, comm {@code <NA>}) and the limit goes to it: later events
 * of that pid show it in {@code proc.fdlimit}. A filter that drops the prlimit leaves sinsp without the parse, and the
 * pid's first event then makes the usual fake entry, fd limit -1. The old inspector ignored such a prlimit (-1 after
 * it). The expectations are what the installed sysdig prints for the same file.
 */
class TracePrlimitUnknownPidTest extends CaptureFileTest {
    @Test
    void aPrlimitOnAnUnlistedPidAddsItsThreadWithTheLimit() throws Exception {
        CaptureTables tables = tables("prlimit", List.of(listed(100, 1, "bash"), listed(1, 0, "systemd")), Map.of());
        getuid(100);
        prlimit(100, 4242, 7, 0, 64, 128);      // NOFILE on pid 4242, unlisted: sinsp adds it with limit 64
        getuid(4242);
        prlimit(100, 4343, 7, -3, 32, 64);      // ESRCH: nothing added
        prlimit(100, 4444, 0, 0, 32, 64);       // RLIMIT_CPU: not the fd limit, nothing added
        getuid(4444);
        prlimit(100, 4545, 7, 0, -1, -1);       // newcur -1: nothing set, nothing added
        getuid(4545);
        prlimit(100, 0, 7, 0, 200, 400);        // pid 0: the caller's own
        getuid(100);
        Path file = write("prlimit", tables);
        String fmt = "%evt.num %thread.tid %proc.pid %proc.ppid %evt.type %proc.name %proc.fdlimit %proc.nthreads %proc.nchilds";
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.of("-p", "*" + fmt), List.of("-p", fmt),
                List.of("-p", "*" + fmt, "evt.type=getuid"), List.of("-p", "*" + fmt, "proc.fdlimit=64"),
                List.of("-p", "*" + fmt, "evt.type=prlimit and evt.dir=<"),
                List.of("-p", "*" + fmt, "thread.tid in (4242, 4545)")));
        String lines = TraceReadFilterTest.oursRead(file, List.of("-p", "*" + fmt));
        assertTrue(lines.contains(" 4242 4242 -1 getuid <NA> 64 "), lines);
        assertTrue(lines.contains(" 4444 4444 -1 getuid <NA> -1 "), lines);
        String dropped = TraceReadFilterTest.oursRead(file, List.of("-p", "*" + fmt, "evt.type=getuid"));
        assertTrue(dropped.contains(" 4242 4242 -1 getuid <NA> -1 "), dropped);
    }

    private static ThreadInfo listed(long pid, long ppid, String comm) {
        return new ThreadInfo(pid, pid, ppid, pid, pid, comm, "/bin/" + comm, "/bin/" + comm, List.of(), "/", 1024, 0,
                0, 0, 0, 0, 0, 0, 0, List.of(), pid, pid, List.of(), "/", 0, false);
    }

    /** prlimit64(pid, resource, new {cur, max}, old) = res: PPME_SYSCALL_PRLIMIT_E (pid, resource), _X (res, newcur, newmax, oldcur, oldmax). */
    private void prlimit(long tid, long pid, long resource, long res, long cur, long max) {
        ev.add(ScapEvent.builder("PPME_SYSCALL_PRLIMIT_E", ts += 1000, tid, 0).num(pid).num(resource).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_PRLIMIT_X", ts += 1000, tid, 0).num(res).num(res >= 0 ? cur : -1)
                .num(res >= 0 ? max : -1).num(1024).num(4096).build());
    }
}
