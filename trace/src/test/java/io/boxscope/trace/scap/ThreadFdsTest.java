package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The threads of a process share its fd table exactly when sysdig's do: a listed or cloned thread with
 * PPM_CL_CLONE_FILES sees the fds any thread of the process opened (before the capture or during it), a
 * thread without it has a table of its own, and a forked process gets a copy of its parent's. A
 * multi-threaded capture (nginx 300 with threads 301 without CLONE_FILES, 302 with it, and 303 cloned
 * during the capture; a child 305 forked) printed by sysdig 0.29 and by us, line for line.
 */
class ThreadFdsTest {
    private static final int THREAD = ThreadRules.CLONE_THREAD;
    private static final int FILES = ThreadRules.CLONE_FILES;

    @TempDir
    Path dir;

    private final SyscallScript s = new SyscallScript();

    private void clone(long tid, long res, long pid, long ptid, int flags) {
        s.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_E", s.next(), tid, 0).build());
        s.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_X", s.next(), tid, 0).num(res).str("/usr/sbin/nginx")
                .bytes(Fixtures.nul()).num(tid).num(pid).num(ptid).str("/").num(1024).num(0).num(5).num(8000).num(4000)
                .num(0).str("nginx").bytes(Fixtures.nul()).num(flags).num(0).num(0).num(tid).num(pid).build());
    }

    private static ThreadInfo thread(long tid, int flags) {
        ThreadInfo x = ThreadInfo.of(tid, 300, 1, "nginx", "/usr/sbin/nginx", List.of(), "/", 0, 0);
        return new ThreadInfo(x.tid(), x.pid(), x.ptid(), x.sid(), x.vpgid(), x.comm(), x.exe(), x.exepath(), x.args(),
                x.cwd(), x.fdlimit(), flags, x.uid(), x.gid(), 0, 0, 0, 0, 0, List.of(), x.vtid(), x.vpid(), List.of(), "/", -1,
                false);
    }

    @Test
    void threadsSeeTheProcessFdsAsSysdigsDo() throws Exception {
        List<ThreadInfo> threads = List.of(ThreadInfo.of(1, 1, 0, "systemd", "/sbin/init", List.of(), "/", 0, 0),
                ThreadInfo.of(300, 300, 1, "nginx", "/usr/sbin/nginx", List.of(), "/", 0, 0),
                thread(301, THREAD), thread(302, THREAD | FILES));
        CaptureTables tables = new CaptureTables(new MachineInfo(2, 1L << 30, 4194304, "threads"), List.of(),
                List.of(new UserInfo(0, 0, "root", "/root", "/bin/bash")), List.of(new GroupInfo(0, "root")), threads,
                Map.of(300L, List.of(FdInfo.file(7, 3, "/etc/hosts", 3, 0)), 301L, List.of(FdInfo.file(9, 3, "/tmp/nine", 3, 0))));
        // fds listed before the capture: the process's, and one listed under the thread without CLONE_FILES
        s.read(301, 7);
        s.read(302, 7);
        s.read(300, 9);
        s.read(301, 9);
        // opened during the capture by a sharing thread, by the thread of its own
        s.open(302, 10, "/tmp/ten");
        s.read(300, 10);
        s.read(301, 10);
        s.open(301, 14, "/tmp/fourteen");
        s.read(300, 14);
        s.read(302, 14);
        // a thread cloned during the capture (pthread_create's flags): its opens are the process's
        clone(300, 303, 300, 1, THREAD | FILES);
        clone(303, 0, 300, 300, THREAD | FILES);
        s.open(303, 11, "/tmp/eleven");
        s.read(300, 11);
        s.read(302, 11);
        s.read(303, 7);
        // a thread cloned without CLONE_FILES starts empty
        clone(300, 304, 300, 1, THREAD);
        s.read(304, 7);
        s.open(304, 16, "/tmp/sixteen");
        s.read(300, 16);
        // a forked process: a copy, its later opens its own
        clone(300, 305, 305, 300, 0);
        clone(305, 0, 305, 300, 0);
        s.open(305, 15, "/tmp/fifteen");
        s.read(300, 15);
        s.read(305, 7);
        s.read(305, 10);
        Path file = dir.resolve("threads.scap");
        try (ScapWriter w = ScapWriter.create(file, tables, false)) {
            for (ScapEvent e : s.events()) {
                w.write(e);
            }
        }
        ScapCapture c = ScapReader.readAll(file);
        assertNull(c.error());
        List<String> mine = SysdigParityTest.ourLines(c);
        List<String> theirs = Sysdig.run("-r", file.toString());
        assertEquals(String.join("\n", theirs), String.join("\n", mine));
        // the cases above differ: some reads name their fd, others do not
        assertTrue(mine.stream().anyMatch(l -> l.contains("(302) > read fd=7(<f>/etc/hosts)")), String.join("\n", mine));
        assertTrue(mine.stream().anyMatch(l -> l.contains("(301) > read fd=7 size")), String.join("\n", mine));
    }
}
