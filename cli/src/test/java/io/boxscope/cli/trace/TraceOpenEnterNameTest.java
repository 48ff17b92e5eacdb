package io.boxscope.cli.trace;


import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.FdInfo;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: sysdig names an opened fd after its ENTER event's name, flags and dirfd when the exit pairs with
 * the enter and the enter's name has a length other than 0 and is not {@code (NULL)} (libs e5c53d64
 * parsers.cpp parse_open_openat_creat_exit). A live capture's enter sometimes holds "" (the path's page not yet
 * faulted in): sysdig then names the fd after the working directory. And a PID parameter (kill, tkill,
 * tgkill) shows the target's comm from the thread table (event.cpp get_param_as_str, PT_PID). The
 * expectations are what the installed sysdig 0.29 prints for the same file.
 */
class TraceOpenEnterNameTest extends CaptureFileTest {
    private static final int O_RDONLY = 1;
    private static final int O_DIRECTORY = 1 << 10;

    @Test
    void openNamesItsFdAfterTheEnterAndPidsShowTheirComm() throws Exception {
        CaptureTables tables = tables("openenter",
                List.of(ThreadInfo.of(100, 100, 1, "bash", "/bin/bash", List.of("-c", "x"), "/root/", 0, 0),
                        ThreadInfo.of(200, 200, 1, "sleep", "/bin/sleep", List.of("9"), "/tmp/", 0, 0)),
                Map.of(100L, List.of(FdInfo.file(0, 3, "/dev/null", 0, 5), FdInfo.file(7, 9, "/etc", 0, 0x801))));
        // openat: the enter's name "" (one NUL): sysdig names fd 3 after the cwd
        ev.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, 100, 0).num(-100).str("").num(O_RDONLY).num(0).build());
        ev.add(openatExit(ts += 1000, 3, -100, "/etc/passwd", O_RDONLY));
        // the enter's name differs: the enter's name, flags (a directory) and dirfd (7: /etc) win
        ev.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, 100, 0).num(7).str("ssl").num(O_DIRECTORY).num(0).build());
        ev.add(openatExit(ts += 1000, 4, -100, "/etc/hosts", O_RDONLY));
        // the enter's name of length 0 (unreadable) or "(NULL)": the exit's name
        ev.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, 100, 0).num(-100).empty().num(O_RDONLY).num(0).build());
        ev.add(openatExit(ts += 1000, 5, -100, "/etc/group", O_RDONLY));
        ev.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, 100, 0).num(-100).str("(NULL)").num(O_RDONLY).num(0).build());
        ev.add(openatExit(ts += 1000, 6, -100, "/etc/shadow", O_RDONLY));
        // an exit whose enter is another call's: the exit's name
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, 100, 0).num(0).build());
        ev.add(openatExit(ts += 1000, 8, -100, "/etc/fstab", O_RDONLY));
        // open and creat: the enter's "" too
        ev.add(ScapEvent.builder("PPME_SYSCALL_OPEN_E", ts += 1000, 100, 0).str("").num(O_RDONLY).num(0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_OPEN_X", ts += 1000, 100, 0).num(9).str("/etc/motd").num(O_RDONLY).num(0).num(0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CREAT_E", ts += 1000, 100, 0).str("").num(0644).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CREAT_X", ts += 1000, 100, 0).num(10).str("/tmp/new").num(0644).num(0).build());
        // each fd's name as the table holds it now
        for (int fd : new int[] {3, 4, 5, 6, 8, 9, 10}) {
            ev.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 100, 0).num(fd).num(1).build());
        }
        // kill, tkill and tgkill of a listed thread, of one the capture never saw, and of one it saw only act
        kill(100, 200, 15, 0);
        kill(100, 4489, 15, -3);
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, 16955, 0).num(4).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, 16955, 0).num(-9).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_TKILL_E", ts += 1000, 100, 0).num(16955).num(9).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_TKILL_X", ts += 1000, 100, 0).num(0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_TGKILL_E", ts += 1000, 100, 0).num(200).num(4490).num(10).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_TGKILL_X", ts += 1000, 100, 0).num(-3).build());
        Path file = write("openenter", tables);
        TraceReadFilterTest.assertSameAsSysdig(file,
                List.of(List.<String>of(), List.of("-p", "%evt.num %evt.type %fd.num %fd.name %fd.type")));
    }

    private static ScapEvent openatExit(long ts, long fd, long dirfd, String name, int flags) {
        return ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts, 100, 0).num(fd).num(dirfd).str(name).num(flags).num(0).num(0).build();
    }
}
