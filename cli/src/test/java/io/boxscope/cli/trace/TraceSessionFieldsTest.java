package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ThreadInfo;
import io.boxscope.trace.scap.UserInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: proc.sid, proc.sname, proc.tty, proc.vpgid, user.loginuid and user.loginname as sysdig 0.29 prints
 * and filters them. A login shell (bash 100, session 100, login uid 1000) forks a child that inherits them,
 * execs (its exit gives a terminal, a group and a login uid), calls setsid, and forks a grandchild that forks
 * again after the session's leader exited (proc.sname then walks up to the eldest process of the session); a
 * clone whose caller the capture never listed starts with libsinsp's defaults, and a thread nobody listed has
 * sinsp's fake entry (login uid -1). The expectations are what the installed sysdig prints for the same file.
 */
class TraceSessionFieldsTest extends CaptureFileTest {
    /** /dev/pts/3 as the driver and /proc/PID/stat's tty_nr encode it: major 136 in bits 8..15, minor 3. */
    private static final long PTS3 = (136 << 8) | 3;

    @Test
    void sessionTerminalAndLoginFieldsAreSysdigs() throws Exception {
        CaptureTables tables = tables("session",
                List.of(new UserInfo(0, 0, "root", "/root", "/bin/bash"), new UserInfo(1000, 1000, "alice", "/home/alice", "/bin/bash")),
                List.of(listed(1, 0, "systemd", 1, 1, -1), listed(50, 1, "sshd", 50, 50, -1),
                        listed(100, 50, "bash", 100, 100, 1000)),
                Map.of());
        getuid(100);
        fork(100, 200, "bash");                 // the child: session 100, group 100, login 1000, tty 0 (no PL tty)
        getuid(200);
        execve(200, "less", PTS3, 200, 1000);   // tty, pgid, loginuid from the exit
        getuid(200);
        ev.add(ScapEvent.builder("PPME_SYSCALL_SETSID_E", ts += 1000, 200, 0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_SETSID_X", ts += 1000, 200, 0).num(200).build());
        fork(200, 300, "less");
        fork(300, 400, "less");
        ev.add(ScapEvent.builder("PPME_PROCEXIT_1_E", ts += 1000, 200, 0).num(0).num(0).num(0).num(0).build());
        getuid(400);                            // leader 200 gone: proc.sname is 300's name (eldest in session 200)
        execve(300, "vi", PTS3, 300, 1000);
        getuid(400);
        ev.add(ScapEvent.builder("PPME_SYSCALL_SETSID_E", ts += 1000, 400, 0).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_SETSID_X", ts += 1000, 400, 0).num(-1).build()); // EPERM: no change
        getuid(400);
        cloneChildSide(700, 9);                 // caller 9 never listed: sinsp_threadinfo::init's values
        getuid(700);
        getuid(800);                            // a thread nobody listed: sinsp's fake entry
        Path file = write("session", tables);
        String fmt = "%evt.num %thread.tid %evt.type %proc.sid %proc.sname %proc.tty %proc.vpgid %user.loginuid %user.loginname"
                + " %user.name %user.homedir %user.shell %user.uid %group.gid";
        TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.of("-p", "*" + fmt), List.of("-p", fmt),
                List.of("-p", "*" + fmt, "proc.tty!=0"), List.of("-p", "*" + fmt, "user.loginuid=1000"),
                List.of("-p", "*" + fmt, "proc.sname=less or proc.sid<0"), List.of("-p", "*" + fmt, "user.loginname=alice"),
                List.of("-p", "*" + fmt, "proc.vpgid in (200, 300)")));
        String lines = TraceReadFilterTest.oursRead(file, List.of("-p", "*" + fmt));
        assertTrue(lines.contains(" 400 getuid 200 less 34819 200 1000 alice root /root /bin/bash"), lines);
        assertTrue(lines.contains(" 800 getuid -1 <NA> 0 -1 -1 <NA> <NA> <NA> <NA> 4294967295 4294967295"), lines);
    }

    private static ThreadInfo listed(long pid, long ppid, String comm, long sid, long vpgid, int loginuid) {
        return new ThreadInfo(pid, pid, ppid, sid, vpgid, comm, "/bin/" + comm, "/bin/" + comm, List.of(), "/", 1024, 0,
                0, 0, 0, 0, 0, 0, 0, List.of(), pid, pid, List.of(), "/", loginuid, false);
    }

    /** A fork as the driver records it: the caller's enter and exit (res = child), then the child's exit (res 0). */
    private void fork(long parent, long child, String comm) {
        ev.add(ScapEvent.builder("PPME_SYSCALL_CLONE_20_E", ts += 1000, parent, 0).build());
        ev.add(cloneExit(parent, child, parent, 1, comm));
        ev.add(cloneExit(child, 0, child, parent, comm));
    }

    private void cloneChildSide(long child, long parent) {
        ev.add(cloneExit(child, 0, child, parent, "sh"));
    }

    private ScapEvent cloneExit(long tid, long res, long pid, long ptid, String comm) {
        return ScapEvent.builder("PPME_SYSCALL_CLONE_20_X", ts += 1000, tid, 0).num(res).str("/bin/" + comm)
                .bytes(SessionCapture.nul()).num(tid).num(pid).num(ptid).str("/").num(1024).num(0).num(0).num(0).num(0)
                .num(0).str(comm).bytes(SessionCapture.nul()).num(0).num(0).num(0).num(tid).num(pid).build();
    }

    /** An execve's enter and its exit (PPME_SYSCALL_EXECVE_19_X: ..., env, tty, pgid, loginuid, flags). */
    private void execve(long tid, String comm, long tty, long pgid, long loginuid) {
        ev.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_E", ts += 1000, tid, 0).str("/bin/" + comm).build());
        ev.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_X", ts += 1000, tid, 0).num(0).str("/bin/" + comm)
                .bytes(SessionCapture.nul()).num(tid).num(tid).num(100).str("/").num(1024).num(0).num(0).num(0).num(0)
                .num(0).str(comm).bytes(SessionCapture.nul()).bytes(SessionCapture.nul()).num(tty).num(pgid).num(loginuid)
                .num(0).build());
    }
}
