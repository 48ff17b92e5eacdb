package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.FdInfo;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a close whose fd another thread of the process re-creates between the close's enter and exit.
 * libsinsp marks the fd FLAGS_CLOSE_IN_PROGRESS at the enter; an fd created on that number then carries
 * FLAGS_CLOSE_CANCELED and the old entry moves to the CANCELED_FD_NUMBER slot (sinsp_fdtable::add,
 * fdinfo.cpp). But sinsp_parser::reset clears FLAGS_CLOSE_CANCELED for any exit that uses the fd before the
 * exit is parsed (parsers.cpp, libs e5c53d64), the close's exit included, so parse_close_exit removes the new
 * fd all the same: sysdig 0.29 shows the re-created fd 5 nameless after the close. A failed close keeps its
 * fd; a close whose exit the capture lacks removes nothing. Boxscope's rule (remove the fd a paired close
 * exit with res &gt;= 0 names) gives the same lines; this test holds it to sysdig's.
 */
class TraceCloseCanceledTest extends CaptureFileTest {
    @Test
    void aCloseRacingAnOpenOfTheSameFdEndsAsSysdigEndsIt() throws Exception {
        int threadFlags = (1 << 13) | 1; // PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES
        CaptureTables tables = tables("closecancel",
                List.of(ThreadInfo.of(200, 200, 100, "mt", "/tmp/mt", List.of(), "/etc/", 0, 0),
                        new ThreadInfo(201, 200, 100, 200, 200, "mt", "/tmp/mt", "/tmp/mt", List.of(), "/etc/", 1024,
                                threadFlags, 0, 0, 0, 0, 0, 0, 0, List.of(), 201, 200, List.of(), "/", -1, false)),
                Map.of(200L, List.of(FdInfo.file(5, 1, "/etc/a", 0, 0), FdInfo.file(6, 2, "/etc/b", 0, 0),
                        FdInfo.file(7, 3, "/etc/c", 0, 0))));
        // 1. thread 201 opens fd 5 again between 200's close enter and exit
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, 200, 0).num(5).build());
        openat(201, 5, "/etc/new5", 1, 0, 0);
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, 200, 0).num(0).build());
        read(201, 5);
        // 2. a failed close keeps the fd
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, 200, 0).num(6).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, 200, 0).num(-4).build());
        read(201, 6);
        // 3. a close whose exit is missing (the thread's next event is another enter), then fd 7 re-created
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, 200, 0).num(7).build());
        read(200, 6);
        openat(201, 7, "/etc/new7", 1, 0, 0);
        read(201, 7);
        read(200, 7);
        // 4. the same race with a close exit that fails
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, 200, 0).num(6).build());
        openat(201, 6, "/etc/new6", 1, 0, 0);
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, 200, 0).num(-4).build());
        read(200, 6);
        Path file = write("closecancel", tables);
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.<String>of(), List.of("-j"),
                List.of("-p", "*%evt.num %thread.tid %evt.type %fd.num %fd.name %fd.type %evt.info")));
        String lines = TraceReadFilterTest.oursRead(file, List.of("-p", "*%evt.num %thread.tid %evt.type %fd.num %fd.name %evt.info"));
        assertTrue(lines.contains("201 read 5 <NA> fd=5 size=10"), lines); // case 1: the new fd 5 is gone
        assertTrue(lines.contains("201 read 6 /etc/b fd=6(<f>/etc/b) size=10"), lines); // case 2
        assertTrue(lines.contains("200 read 7 /etc/new7 fd=7(<f>/etc/new7) size=10"), lines); // case 3
        assertTrue(lines.contains("200 read 6 /etc/new6 fd=6(<f>/etc/new6) size=10"), lines); // case 4
    }

    private void read(long tid, long fd) {
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, tid, 0).num(fd).num(10).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, tid, 0).num(1).bytes(new byte[] {'a'}).build());
    }
}
