package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.FdInfo;
import io.boxscope.trace.scap.ParamValue;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: fields sysdig 0.29 has that boxscope refused, printed and filtered as the installed sysdig prints and
 * filters the same file: syscall.type, evt.is_open_exec, evt.count.error.file/.net/.memory/.other, proc.fdusage,
 * thread.exectime, thread.totexectime, fd.dev, fd.dev.major, fd.dev.minor, evt.around[T] in filters; {@code %proc.aname}/{@code %proc.apid}
 * without an index in a format, and {@code -pk}. The capture: a shell from the process list with a file from the
 * fd list (its dev), creating files with and without execute bits, a failed open, a failed connect, a failed mmap,
 * a failed kill, a generic event, a thread nobody listed and a process exit.
 */
class TraceSyscallFieldsTest extends CaptureFileTest {
    @Test
    void newFieldsPrintAsSysdigPrintsThem() throws Exception {
        Path file = capture();
        String fmt = "%evt.num %thread.tid %evt.type %syscall.type %evt.is_open_exec %evt.count.error.file %evt.count.error.net "
                + "%evt.count.error.memory %evt.count.error.other %proc.fdusage %thread.exectime %thread.totexectime "
                + "%fd.num %fd.name %fd.dev %fd.dev.major %fd.dev.minor";
        // a socket's fd.dev is whatever sinsp's uninitialised m_dev holds (sysdig prints another number from run to
        // run): sockets are compared without it
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.of("-p", "*" + fmt, "not fd.type=ipv4"),
                List.of("-p", fmt, "not fd.type=ipv4"),
                List.of("-p", "*%evt.num %syscall.type %evt.count.error.file %evt.count.error.net %evt.count.error.memory "
                        + "%evt.count.error.other %fd.num %fd.name %fd.type"),
                List.of("-p", "*%evt.num %proc.aname %proc.apid|%proc.aname[1] %proc.apid[2]|%5proc.aname"),
                List.of("-p", "*%evt.num %proc.apid"), List.of("-p", "%evt.num %proc.aname"), List.of("-p", "%evt.num %proc.fdusage"),
                List.of("-pk"), List.of("-pkubernetes", "evt.type=openat"),
                List.of("-j", "-p", "*%evt.num %syscall.type %evt.is_open_exec %fd.dev %fd.dev.major %fd.dev.minor %thread.exectime "
                        + "%proc.aname %evt.count.error.file", "not fd.type=ipv4")));
        String lines = TraceReadFilterTest.oursRead(file, List.of("-p", "*" + fmt));
        // derived from the events written above: 0755 with O_CREAT is an exec open, 0644 is not; the fd list's file
        // keeps its device (0x10305: major 259, minor 5 in the kernel's new_encode_dev), the opened one the exit's 0x803
        assertTrue(lines.contains(" openat openat true <NA> <NA> <NA> <NA> "), lines);
        assertTrue(lines.contains(" 3 /tmp/run.sh 803 8 3\n"), lines);
        assertTrue(lines.contains(" read read false <NA> <NA> <NA> <NA> 0.1 0 0 7 /var/log/x 10305 259 5\n"), lines);
    }

    /**
     * {@code evt.type.is.X in (...)}: sysdig 0.29 makes one copy of the check per value (new_filter_check_from_another),
     * which loses the event X named, so the copies test event type 0, the generic system call entries: {@code
     * evt.type.is.read in (1)} keeps the generic entry and no read, {@code in (0)} every other event. {@code =} tests X.
     * The build before kept the reads.
     */
    @Test
    void typeIsInTestsWhatSysdigTests() throws Exception {
        Path file = capture();
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.of("-p", "%evt.num %evt.type", "evt.type.is.read in (1)"),
                List.of("-p", "%evt.num %evt.type", "evt.type.is.read in (0)"), List.of("-p", "%evt.num", "evt.type.is.poll in (1, 0)"),
                List.of("-p", "%evt.num %evt.type", "evt.type.is.read=1"), List.of("-p", "%evt.num", "evt.type.is.3 in (1)"),
                List.of("-p", "%evt.num %evt.type", "evt.type.is.read in (1) or evt.type.is.read=1")));
        // the capture's one generic entry (PPME_GENERIC_E, written above), not its read
        String kept = TraceReadFilterTest.oursRead(file, List.of("-p", "%evt.num %evt.dir %syscall.type", "evt.type.is.read in (1)"));
        assertEquals(TraceReadFilterTest.oursRead(file, List.of("-p", "%evt.num %evt.dir %syscall.type", "evt.type.is.0=1")), kept);
        assertEquals(1, kept.lines().count(), kept);
        assertTrue(kept.contains(" > ") && !kept.contains("read"), kept);
    }

    @Test
    void newFieldsFilterAsSysdigFilters() throws Exception {
        Path file = capture();
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.of("syscall.type=openat"), List.of("syscall.type exists"),
                List.of("not syscall.type exists"), List.of("syscall.type in (getuid, procexit, kill)"),
                List.of("evt.is_open_exec=true"), List.of("evt.is_open_exec=false and evt.type=creat"),
                List.of("fd.dev=2051"), List.of("fd.dev.major=8"), List.of("fd.dev.minor>3 and not fd.type=ipv4"), List.of("fd.dev.major=259 and fd.dev.minor=5"),
                List.of("proc.fdusage exists"), List.of("thread.exectime=0"), List.of("thread.totexectime>0"),
                List.of("proc.aname=bash"), List.of("proc.apid=1"),
                // the events are 1 us apart from 1700000000000001000: D=0 keeps the one event at T, D=1 (ms) all of them
                List.of("evt.around[1700000000000005000]=0"), List.of("evt.around[1700000000000005000]=1"),
                List.of("not evt.around[1700000000000005000]=0 and evt.num<8"), List.of("evt.around[1]=1000")));
        assertEquals("5\n", TraceReadFilterTest.oursRead(file, List.of("-p", "%evt.num", "evt.around[1700000000000005000]=0")));
        Cli ne = Cli.run("trace", "-r", file.toString(), "evt.around[1700000000000005000]!=0");
        assertEquals(2, ne.code(), ne.out() + ne.err());
        assertTrue(ne.err().contains("evt.around supports only '=' comparison operator"), ne.err());
        // sysdig cannot read a filter value of type DOUBLE (wrong parameter type 33): only exists compares proc.fdusage
        Cli c = Cli.run("trace", "-r", file.toString(), "proc.fdusage > 0.3");
        assertEquals(2, c.code(), c.out() + c.err());
        assertTrue(c.err().contains("wrong parameter type 33"), c.err());
    }

    private Path capture() throws Exception {
        ThreadInfo bash = new ThreadInfo(100, 100, 50, 100, 100, "bash", "/bin/bash", "/bin/bash", List.of("-l"), "/root/",
                1024, 0, 0, 0, 9000, 4000, 0, 3, 44, List.of("HOME=/root"), 100, 100, List.of("cpu=/user.slice"), "/", 0, false);
        CaptureTables tables = tables("syscallfields",
                List.of(ThreadInfo.of(1, 1, 0, "systemd", "/sbin/init", List.of(), "/", 0, 0),
                        ThreadInfo.of(50, 50, 1, "sshd", "/usr/sbin/sshd", List.of(), "/", 0, 0), bash),
                Map.of(100L, List.of(FdInfo.file(7, 1234, "/var/log/x", 1, 0x10305))));
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 100, 0).num(7).num(10).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 100, 0).num(2).bytes(new byte[] {'o', 'k'}).build());
        openat(100, 3, "/tmp/run.sh", 4 | 2, 0755, 0x803);   // O_CREAT|O_WRONLY, rwxr-xr-x
        openat(100, 4, "/tmp/data", 4 | 2, 0644, 0x803);     // no execute bit
        openat(100, -2, "/nonexistent", 1, 0, 0);            // a failed open: evt.count.error.file
        ev.add(ScapEvent.builder("PPME_SYSCALL_CREAT_E", ts += 1000, 100, 0).str("/tmp/c.sh").num(0700).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CREAT_X", ts += 1000, 100, 0).num(5).str("/tmp/c.sh").num(0700).num(0x801).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CREAT_E", ts += 1000, 100, 0).str("/tmp/d").num(0600).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_CREAT_X", ts += 1000, 100, 0).num(6).str("/tmp/d").num(0600).num(0x801).build());
        ev.add(ScapEvent.builder("PPME_SOCKET_SOCKET_E", ts += 1000, 100, 0).num(2).num(1).num(0).build());
        ev.add(ScapEvent.builder("PPME_SOCKET_SOCKET_X", ts += 1000, 100, 0).num(8).build());
        byte[] lo = {127, 0, 0, 1};
        ev.add(ScapEvent.builder("PPME_SOCKET_CONNECT_E", ts += 1000, 100, 0).num(8)
                .bytes(ParamValue.SockAddr.ipv4(lo, 9).encode()).build());
        ev.add(ScapEvent.builder("PPME_SOCKET_CONNECT_X", ts += 1000, 100, 0).num(-111)
                .bytes(ParamValue.SockTuple.ipv4(lo, 40000, lo, 9).encode()).build());       // ECONNREFUSED: .net
        ev.add(ScapEvent.builder("PPME_SYSCALL_MMAP_E", ts += 1000, 100, 0).num(0).num(1L << 40).num(3).num(0x22).num(-1).num(0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_MMAP_X", ts += 1000, 100, 0).num(-12).num(9000).num(4000).num(0).build());
        kill(100, 99999, 15, -3);            // ESRCH: .other
        ev.add(ScapEvent.builder("PPME_GENERIC_E", ts += 1000, 100, 0).num(4).num(4).build());           // stat
        ev.add(ScapEvent.builder("PPME_GENERIC_X", ts += 1000, 100, 0).num(4).build());
        getuid(800, 1);                                                                                   // nobody listed 800
        ev.add(ScapEvent.builder("PPME_PROCEXIT_1_E", ts += 1000, 100, 0).num(0).num(0).num(0).num(0).build());
        return write("syscallfields", tables);
    }
}
