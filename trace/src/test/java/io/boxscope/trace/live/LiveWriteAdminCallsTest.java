package io.boxscope.trace.live;

import static io.boxscope.trace.live.WrittenCapture.sc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: umount2, ptrace and execveat were generic events under {@code trace -w}; the driver records them as
 * UMOUNT, PTRACE and EXECVEAT (libs e5c53d64 driver/syscall_table.c) with its fillers' parameters. A perl child makes
 * each {@link #N} times through syscall(2) with this machine's numbers: umount2 of a directory that is no mount
 * point with MNT_DETACH; a grandchild that asks to be traced (PTRACE_TRACEME) and stops, whose word the child peeks
 * (PTRACE_PEEKDATA) before it lets it go on (PTRACE_CONT with no signal) and exit; ptrace of a pid that is not
 * traced (ESRCH); execveat of a missing relative path from fd -1 with AT_SYMLINK_NOFOLLOW (EBADF) and, in another
 * grandchild, of a copy of /bin/true from AT_FDCWD (its exit, on x86_64, comes under execve's number). {@code sysdig -r} prints them under their own names with the
 * driver's parameters; our reader prints the same lines.
 */
@KernelTest
class LiveWriteAdminCallsTest {
    private static final int N = 2;

    @Test
    void adminCallsHaveTheirOwnEvents(@TempDir Path dir) throws Exception {
        String d = WrittenCapture.realDirWith(dir, "f", "");
        String name = "bxat" + ProcessHandle.current().pid() % 100000;
        Path prog = dir.toRealPath().resolve(name);
        Files.copy(Path.of("/bin/true"), prog, StandardCopyOption.COPY_ATTRIBUTES);
        String p = "$| = 1; use POSIX (); my $word = 'ABCDEFGH'; my $addr = unpack('J', pack('p', $word)); "
                + "printf(\"addr %X\\n\", $addr); "
                + "my $prog = '" + prog + "'; my $x = 'x'; my $argv = pack('ppJ', $prog, $x, 0); my $envp = pack('J', 0); "
                + "for my $i (1.." + N + ") { "
                + "my $u = " + sc("umount2", "my $dd = '" + d + "', 2") + "; print \"uerr \", $! + 0, \"\\n\" if $i == 1; "
                + "my $c = fork; defined $c or die 'fork'; "
                + "if ($c == 0) { " + sc("ptrace", "0, 0, 0, 0") + " == 0 or POSIX::_exit(3); kill 'STOP', $$; POSIX::_exit(0); } "
                + "waitpid($c, POSIX::WUNTRACED()); "
                + "print \"c$i $c\\n\"; "
                + "my $out = pack('J', 0); " + sc("ptrace", "2, $c, $addr, $out") + " == 0 or die \"peek $!\"; "
                + sc("ptrace", "7, $c, 0, 0") + " == 0 or die \"cont $!\"; waitpid($c, 0); $? == 0 or die 'grandchild'; "
                + sc("ptrace", "2, $c, $addr, $out") + " == -1 or die 'peek gone'; "
                + sc("execveat", "-1, my $ns = 'nosuch', $argv, $envp, 0x100") + " == -1 or die 'execveat'; "
                + "my $e = fork; defined $e or die 'fork'; "
                + "if ($e == 0) { " + sc("execveat", "-100, $prog, $argv, $envp, 0") + "; POSIX::_exit(127); } "
                + "waitpid($e, 0); $? == 0 or die 'execveat child'; "
                + "} ";
        Process child = Workload.perl(p);
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("admin.scap"), child,
                "evt.type in (umount, ptrace, execveat, execve) and (proc.pid=" + child.pid() + " or proc.ppid=" + child.pid() + ")", true);
        // each line without its time, CPU, command and thread: the child's and its grandchildren's alike
        List<String> lines = r.sysdig().stream().map(l -> l.substring(l.indexOf(") ") + 2)).toList();
        Map<String, String> v = r.values();
        String uerr = switch (v.get("uerr")) {
            case "22" -> "-22(EINVAL)";
            case "1" -> "-1(EPERM)";
            default -> throw new AssertionError("umount2 of a directory that is no mount point failed with errno " + v.get("uerr"));
        };
        String word = Long.toHexString(ByteBuffer.wrap("ABCDEFGH".getBytes(StandardCharsets.US_ASCII))
                .order(ByteOrder.nativeOrder()).getLong()).toUpperCase(Locale.ROOT);
        String addr = v.get("addr");
        WrittenCapture.assertFollowed(lines, "> umount flags=2(DETACH) ", N, "< umount res=" + uerr + " name=" + d + " ");
        WrittenCapture.assertFollowed(lines, "> ptrace request=1(PTRACE_TRACEME) pid=0 ", N, "< ptrace res=0 addr=0 data=0 ");
        for (int i = 1; i <= N; i++) {
            String c = v.get("c" + i);
            // the peek while the grandchild is stopped, and again once it is gone (ESRCH: addr and data 0)
            WrittenCapture.assertFollowed(lines, "> ptrace request=3(PTRACE_PEEKDATA) pid=" + c + "...", 2,
                    "< ptrace res=0 addr=" + addr + " data=" + word + " ", "< ptrace res=-3(ESRCH) addr=0 data=0 ");
            WrittenCapture.assertFollowed(lines, "> ptrace request=8(PTRACE_CONT) pid=" + c + "...", 1, "< ptrace res=0 addr=0 data=0 ");
        }
        WrittenCapture.assertFollowed(lines, "> execveat dirfd=-1(EPERM) pathname=nosuch(nosuch) flags=2(AT_SYMLINK_NOFOLLOW) ", N,
                "< execveat res=-9(EBADF) exe=...");
        // a successful execveat's exit: the kernel reports it under execve's number on x86_64 (its sys_exit id), as
        // the driver then records it
        WrittenCapture.assertFollowed(lines, "> execveat dirfd=-100(AT_FDCWD) pathname=" + prog + " flags=0 ", N,
                "< execve res=0 exe=" + prog + " args=x. ...", "< execveat res=0 exe=" + prog + " args=x. ...");
    }
}
