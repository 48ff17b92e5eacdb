package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: the event sequence a live {@code trace -w "proc.name in (mt, cat)"} wrote for a C program whose
 * main thread chdirs to /etc, opens a file, starts two threads and calls pthread_exit, while the threads open
 * relative paths, chdir, getcwd, and one of them execs /bin/cat (the kernel gives it the leader's tid: the
 * execve exit comes on tid 200, which exited). libsinsp keeps a main thread that other threads reference
 * (sinsp_threadinfo::m_nchilds, sinsp_thread_manager::remove_thread, libs e5c53d64 threadinfo.cpp), so the
 * threads keep the process's cwd and fd table and the execve exit renames that entry; Boxscope removed it at
 * its procexit, and its threads read a fake entry (empty cwd, relative fd names, no fd 3). A clone whose
 * caller the capture never saw names a fresh entry for the caller after the event (parse_clone_exit's invalid
 * parent): {@code ptid=9(sh)}. The expectations are what the installed sysdig 0.29 prints for the same file.
 */
class TraceThreadGroupTest extends CaptureFileTest {
    /** pthread_create's flags as PPM_CL_*: CLONE_FILES|FS|SIGHAND|THREAD|VM|SYSVSEM|SETTLS|PARENT/CHILD_SETTID... */
    private static final long PTHREAD = 1 | 2 | (1 << 11) | (1 << 13) | (1 << 12) | (1 << 15) | (1 << 25) | (1 << 9) | (1 << 23);

    @Test
    void threadsOfAMainThreadThatExitedKeepItsStateAsSysdigDoes() throws Exception {
        CaptureTables tables = tables("threadgroup",
                List.of(ThreadInfo.of(100, 100, 1, "bash", "/bin/bash", List.of("-i"), "/root/", 0, 0),
                        ThreadInfo.of(200, 200, 100, "mt", "/tmp/mt", List.of("x"), "/root/", 0, 0)),
                Map.of());
        call(200, "CHDIR", new Object[] {}, new Object[] {0L, "/etc"});
        openat(200, "group", "/etc/group", 3);
        clone(200, 201, 200, 100);
        clone(201, 0, 200, 100);
        clone(200, 202, 200, 100);
        clone(202, 0, 200, 100);
        ev.add(ScapEvent.builder("PPME_PROCEXIT_1_E", ts += 1000, 200, 0).num(0).num(0).num(0).num(0).build());
        openat(201, "passwd", "passwd", 4);          // the process's cwd: /etc/ (sysdig), "" (a fake main)
        call(201, "CLOSE", new Object[] {4L}, new Object[] {0L});
        openat(202, "hosts", "hosts", 4);
        call(202, "READ", new Object[] {4L, 0L}, new Object[] {0L, new byte[0]});
        call(202, "CLOSE", new Object[] {4L}, new Object[] {0L});
        call(202, "CHDIR", new Object[] {}, new Object[] {0L, "ssl"});
        call(202, "GETCWD", new Object[] {}, new Object[] {9L, "/etc/ssl"});
        call(202, "READ", new Object[] {3L, 10L}, new Object[] {10L, "root:x:0:".getBytes(StandardCharsets.US_ASCII)});
        // execve from thread 202: its enter on 202, the other thread's procexit, the exit on the leader's tid
        ev.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_E", ts += 1000, 202, 0).str("/bin/cat").build());
        ev.add(ScapEvent.builder("PPME_PROCEXIT_1_E", ts += 1000, 201, 0).num(0).num(0).num(0).num(0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_X", ts += 1000, 200, 0).num(0).str("/bin/cat")
                .bytes(SessionCapture.nul("../hostname")).num(200).num(200).num(100).str("/etc/ssl").num(1024).num(0).num(12)
                .num(2000).num(500).num(0).str("cat").bytes(SessionCapture.nul()).bytes(SessionCapture.nul()).num(34816).num(200).num(0).num(0).build());
        openat(200, "../hostname", "/etc/hostname", 4);
        call(200, "READ", new Object[] {3L, 10L}, new Object[] {10L, "root:x:0:".getBytes(StandardCharsets.US_ASCII)});
        ev.add(ScapEvent.builder("PPME_PROCEXIT_1_E", ts += 1000, 200, 0).num(0).num(0).num(0).num(0).build());
        // the child's side of a fork whose caller (9) the capture never saw: sysdig names 9 after the event
        clone(300, 0, 300, 9, 0);
        call(300, "CHDIR", new Object[] {}, new Object[] {0L, "/tmp"});
        Path file = write("threadgroup", tables);
        String fmt = "%evt.num %thread.tid %proc.pid %evt.type %proc.cwd %proc.name %proc.exe %proc.exepath %proc.args"
                + " %proc.cmdline %fd.num %fd.name %evt.info";
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.<String>of(), List.of("-j"), List.of("-p", "*" + fmt), List.of("-p", fmt),
                List.of("-p", "*%evt.num %proc.cwd %fd.name", "proc.name=cat")));
        String lines = TraceReadFilterTest.oursRead(file, List.of("-p", "*" + fmt));
        // what sysdig printed: the threads keep /etc/ and fd 3, the exec renames the kept leader (its exepath
        // stays: the exit's thread did not make the enter, so retrieve_enter_event finds none)
        assertTrue(lines.contains(" 201 200 openat /etc/ mt /tmp/mt /tmp/mt x mt x 4 /etc/passwd fd=4(<f>/etc/passwd)"), lines);
        assertTrue(lines.contains(" 202 200 read /etc/ssl/ mt /tmp/mt /tmp/mt x mt x 3 /etc/group fd=3(<f>/etc/group) size=10"), lines);
        assertTrue(lines.contains(" 200 200 openat /etc/ssl/ cat /bin/cat /tmp/mt ../hostname cat ../hostname 4 /etc/hostname"), lines);
        assertTrue(lines.contains("ptid=9(sh)"), lines);
    }

    private void openat(long tid, String enterName, String exitName, long fd) {
        ev.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, tid, 0).num(-100).str(enterName).num(1).num(0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 1000, tid, 0).num(fd).num(-100).str(exitName).num(1)
                .num(0).num(0).build());
    }

    /** A system call's enter and exit event (PPME_SYSCALL_NAME_E/_X) with these parameters (Long, String, byte[]). */
    private void call(long tid, String name, Object[] enter, Object[] exit) {
        ev.add(params(ScapEvent.builder("PPME_SYSCALL_" + name + "_E", ts += 1000, tid, 0), enter).build());
        ev.add(params(ScapEvent.builder("PPME_SYSCALL_" + name + "_X", ts += 1000, tid, 0), exit).build());
    }

    private static ScapEvent.Builder params(ScapEvent.Builder b, Object[] values) {
        for (Object v : values) {
            switch (v) {
                case Long n -> b.num(n);
                case String s -> b.str(s);
                case byte[] bytes -> b.bytes(bytes);
                default -> throw new IllegalArgumentException(String.valueOf(v));
            }
        }
        return b;
    }

    private void clone(long tid, long res, long pid, long ptid) {
        clone(tid, res, pid, ptid, PTHREAD);
    }

    /** A clone exit as the driver writes it: res, exe, args, tid, pid, ptid, cwd, ..., comm, cgroups, flags, ids. */
    private void clone(long tid, long res, long pid, long ptid, long flags) {
        boolean parentSide = res != 0;
        if (parentSide) {
            ev.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_E", ts += 1000, tid, 0).build());
        }
        String comm = flags == 0 ? "sh" : "mt";
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_X", ts += 1000, tid, 0).num(res).str(flags == 0 ? "/bin/sh" : "/tmp/mt")
                .bytes(SessionCapture.nul(flags == 0 ? "-c" : "x")).num(tid).num(pid).num(ptid).str("/etc").num(1024).num(0).num(5)
                .num(8000).num(4000).num(0).str(comm).bytes(SessionCapture.nul()).num(flags).num(0).num(0).num(tid).num(pid).build());
    }
}
