package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: sysdig's proc.fdlimit, proc.vmsize, proc.vmrss, proc.vmswap, thread.vmsize and thread.vmrss (libs e5c53d64
 * filterchecks.cpp), which {@code -p} refused as invalid formatting tokens. Compared with what the installed
 * sysdig 0.29 prints for the eval capture and for a file whose threads are listed, cloned (a process and a
 * thread: thread.* are 0 off the main thread), and unlisted (sinsp's fake entry: fd limit -1).
 */
class TraceMemoryFieldsTest extends CaptureFileTest {
    private static final String FMT = "%evt.num %thread.tid %proc.pid %proc.fdlimit %proc.vmsize %proc.vmrss %proc.vmswap %thread.vmsize"
            + " %thread.vmrss %evt.type";

    @Test
    void memoryAndFdLimitFieldsAsSysdigPrintsThem() throws Exception {
        CaptureTables tables = tables("mem",
                List.of(new ThreadInfo(500, 500, 400, 500, 500, "sh", "/bin/sh", "/bin/sh", List.of("-c", "x"), "/", 4096,
                        0, 0, 0, 2000, 700, 60, 0, 0, List.of(), 500, 500, List.of(), "/", -1, false)),
                Map.of());
        clone(500, 501, 500, 400, 0);            // a process: its own sizes and limit from the exit
        clone(500, 502, 500, 400, 1 | (1 << 13)); // a thread of 500 (CLONE_FILES|CLONE_THREAD)
        kill(501, 1, 0, 0);
        kill(502, 1, 0, 0);
        kill(900, 1, 0, 0);                      // a thread the tables do not list
        Path file = write("mem", tables);
        for (Path f : List.of(file, TraceReadFilterTest.capture())) {
            for (List<String> args : List.of(List.of("-p", "*" + FMT), List.of("-p", FMT),
                    List.of("-p", "*" + FMT, "proc.vmrss > 0 and thread.vmsize = 0"), List.of("-p", "*" + FMT, "proc.fdlimit < 0"))) {
                assertEquals(TraceReadFilterTest.sysdigRead(f, args), TraceReadFilterTest.oursRead(f, args), f + " " + args);
            }
        }
        String lines = TraceReadFilterTest.oursRead(file, List.of("-p", "*" + FMT));
        assertTrue(lines.contains(" 502 500 4096 8000 4000 30 0 0 kill"), lines);
        assertTrue(lines.contains(" 900 900 -1 0 0 0 0 0 kill"), lines);
        String list = Cli.run("trace", "-l").out();
        for (String name : List.of("proc.fdlimit", "proc.vmsize", "proc.vmrss", "proc.vmswap", "thread.vmsize", "thread.vmrss")) {
            assertTrue(list.contains(name), name);
        }
    }

    /** evt.is_open_read/write: the flags of the open events filterchecks.cpp looks at (PPM_O_RDONLY 1, WRONLY 2, RDWR 3). */
    @Test
    void isOpenReadAndWriteAsSysdigPrintsThem() throws Exception {
        CaptureTables tables = tables("open",
                List.of(ThreadInfo.of(500, 500, 400, "sh", "/bin/sh", List.of(), "/", 0, 0)), Map.of());
        long fd = 3;
        for (long flags : new long[] {1, 2, 3, 1 | (1 << 2), 0}) {
            ev.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, 500, 0).num(-100).str("f").num(flags).num(0).build());
            ev.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 1000, 500, 0).num(fd++).num(-100).str("/f").num(flags)
                    .num(0).num(0).build());
        }
        Path file = write("open", tables);
        String fmt = "*%evt.num %evt.type %evt.is_open_read %evt.is_open_write";
        for (Path f : List.of(file, TraceReadFilterTest.capture())) {
            for (List<String> args : List.of(List.of("-p", fmt), List.of("-p", fmt, "evt.is_open_read=true"),
                    List.of("-p", fmt, "evt.is_open_write=true and evt.is_open_read=false"))) {
                assertEquals(TraceReadFilterTest.sysdigRead(f, args), TraceReadFilterTest.oursRead(f, args), f + " " + args);
            }
        }
        String lines = TraceReadFilterTest.oursRead(file, List.of("-p", fmt, "evt.is_open_write=true"));
        assertEquals(List.of("4 openat false true", "6 openat true true"), lines.lines().toList());
    }

    /** A clone exit's caller side: res, exe, args, tid, pid, ptid, cwd, fdlimit, pgft, vm_size, vm_rss, vm_swap, comm, cgroups, flags, ids. */
    private void clone(long tid, long res, long pid, long ptid, long flags) {
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_E", ts += 1000, tid, 0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_X", ts += 1000, tid, 0).num(res).str("/bin/sh")
                .bytes(SessionCapture.nul("-c", "x")).num(tid).num(pid).num(ptid).str("/").num(2048).num(0).num(5)
                .num(8000).num(4000).num(30).str("sh").bytes(SessionCapture.nul()).num(flags).num(0).num(0).num(tid).num(pid).build());
    }
}
