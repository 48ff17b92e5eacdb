package io.boxscope.cli.trace;


import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.FdInfo;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * sysdig's per-thread "last-event fd" (libsinsp m_lastevent_fd, 0 for every new thread, set by enters that
 * use an fd, -1 by those that do not, and by the calls that create one): fd.num is that number on every fd
 * event, and the other fd.* fields fall back to its entry when the event has none of its own (an exit whose
 * enter the capture lost). A close removes an fd only when its exit pairs with its enter and succeeds. On
 * the first 200,000 events of a find(1) capture, 37,468 {@code -p} lines of
 * {@code %evt.num %evt.type %fd.num %fd.name %fd.type %fd.typechar} differed before (fcntl's new fd, exits
 * without their enter). The expectations are what the installed sysdig 0.29 prints for the same file.
 */
class TraceLastEventFdTest extends CaptureFileTest {
    private static final List<String> FORMATS = List.of(
            "%evt.num %evt.type %fd.num %fd.name %fd.type %fd.typechar",
            "*%evt.num %evt.type %fd.num %fd.name %fd.type",
            "%evt.num %proc.name %proc.args %proc.cmdline %proc.exepath %proc.cwd %proc.exe",
            "*%evt.num %proc.name %proc.args %proc.cmdline %proc.exepath %proc.cwd %proc.exe");

    @Test
    void fdFieldsFallBackToTheThreadsLastEventFdAndUnpairedClosesKeepTheFd() throws Exception {
        CaptureTables tables = tables("lastfd",
                List.of(ThreadInfo.of(100, 100, 1, "bash", "/bin/bash", List.of("-c", "x"), "/root/", 0, 0)),
                Map.of(100L, List.of(FdInfo.file(0, 3, "/dev/null", 0, 5), FdInfo.file(1, 3, "/dev/pts/0", 2, 0x88),
                        FdInfo.file(3, 9, "/etc/passwd", 0, 0x801))));
        byte[] x = "x".getBytes(StandardCharsets.US_ASCII);
        // 1: a close exit whose enter the capture does not hold: fd 0 (a listed thread's last-event fd), kept
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, 100, 0).num(0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 100, 0).num(0).num(1).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 100, 0).num(1).bytes(x).build());
        // 4: a read of fd 3 whose exit is lost, then a close exit (unpaired: the last enter is the read's)
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 100, 0).num(3).num(1).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, 100, 0).num(0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 100, 0).num(3).num(1).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 100, 0).num(1).bytes(x).build());
        // 8: a failed close keeps fd 1
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, 100, 0).num(1).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, 100, 0).num(-9).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 100, 0).num(1).num(1).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 100, 0).num(1).bytes(x).build());
        // 12: fcntl(3, F_DUPFD_CLOEXEC) = 5: fd.num is the new fd on the exit
        ev.add(ScapEvent.builder("PPME_SYSCALL_FCNTL_E", ts += 1000, 100, 0).num(3).num(26).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_FCNTL_X", ts += 1000, 100, 0).num(5).build());
        // 14: a read exit without its enter after it: the last-event fd (5) names it
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 100, 0).num(1).bytes(x).build());
        // 15: a paired close of 5 removes it; a later exit without enter falls back to 5, gone
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, 100, 0).num(5).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, 100, 0).num(0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 100, 0).num(1).bytes(x).build());
        // 18: an enter that uses no fd sets it to -1: an exit without enter after it has no fd
        ev.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_E", ts += 1000, 100, 0).str("/bin/true").build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 100, 0).num(1).bytes(x).build());
        // 20: a thread the tables do not list: last-event fd 0, no fds; sysdig's fake entry for proc.*
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 16955, 0).num(1).bytes(x).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, 16955, 0).num(4).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, 16955, 0).num(0).build());
        Path file = write("lastfd", tables);
        List<List<String>> runs = new ArrayList<>();
        runs.add(List.of());
        FORMATS.forEach(f -> runs.add(List.of("-p", f)));
        runs.add(List.of("-p", FORMATS.get(0), "fd.name contains /etc"));
        TraceReadFilterTest.assertSameAsSysdig(file, runs);
    }
}
