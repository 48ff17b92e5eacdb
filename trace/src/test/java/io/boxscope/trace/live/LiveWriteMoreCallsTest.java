package io.boxscope.trace.live;

import static io.boxscope.trace.live.WrittenCapture.has;
import static io.boxscope.trace.live.WrittenCapture.sc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * System calls that were generic events get the driver's own events (libs e5c53d64's syscall table: FUTEX, BRK_4,
 * EPOLLWAIT, SELECT, GETDENTS, GETDENTS64, SPLICE, SHUTDOWN, GETSOCKNAME, GETPEERNAME, FLOCK, SETSID, SETPGID,
 * FCHMOD, CHMOD, FCHMODAT, LINK_2, LINKAT_2, SYMLINK, SYMLINKAT): a perl child makes each {@link #N} times through
 * syscall(2) with this machine's numbers (calls the architecture lacks are left out), and {@code sysdig -r} on our
 * {@code trace -w} file prints them under their own names with their arguments and results, as many as were made;
 * our reader prints the same lines ({@link WrittenCapture}).
 */
@KernelTest
class LiveWriteMoreCallsTest {
    private static final int N = 3;

    @Test
    void moreCallsHaveTheirOwnEvents(@TempDir Path dir) throws Exception {
        String d = WrittenCapture.realDirWith(dir, "f", "0123456789");
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/a"), "");
        StringBuilder p = new StringBuilder("$| = 1; chdir('").append(d).append("') or die; ")
                .append("open(my $f, '+<', '").append(d).append("/f') or die; my $fd = fileno($f); ")
                .append("opendir(my $dh, '").append(d).append("/sub') or die; ")
                .append("open(my $dirh, '<', '").append(d).append("/sub') or die; my $dfd = fileno($dirh); ")
                .append("pipe(my $pr, my $pw) or die; my $prd = fileno($pr); my $pwr = fileno($pw); ")
                .append("use Socket; socketpair(my $s1, my $s2, AF_UNIX, SOCK_STREAM, 0) or die; my $sfd = fileno($s1); ")
                .append("my $ep = ").append(has("epoll_create1") ? sc("epoll_create1", "0") : "-1").append("; ")
                .append("my $pid = $$ + 0; print \"fd $fd\\ndfd $dfd\\nprd $prd\\npwr $pwr\\nsfd $sfd\\nep $ep\\npid $pid\\n\"; ")
                .append(sc("setpgid", "0, 0")).append(" == 0 or die 'setpgid'; ")
                .append("my $brk = ").append(sc("brk", "0")).append("; print \"brk $brk\\n\"; ")
                .append(sc("lseek", "$dfd, 0, 0")).append("; my $dents = \"\\0\" x 4096; my $dn = ")
                .append(sc("getdents64", "$dfd, $dents, 4096")).append("; print \"dents $dn\\n\"; ")
                .append("for my $i (1..").append(N).append(") { ")
                // FUTEX_WAKE | FUTEX_PRIVATE_FLAG of an aligned address nobody waits on: 0 woken
                .append(sc("futex", "4096, 129, 1, 0, 0, 0")).append(" == 0 or die 'futex'; ")
                .append(sc("brk", "0")).append(" == $brk or die 'brk'; ")
                .append(sc("lseek", "$dfd, 0, 0")).append("; ")
                .append(sc("getdents64", "$dfd, $dents, 4096")).append(" == $dn or die 'getdents64'; ")
                .append("syswrite($pw, 'hello') == 5 or die 'pipe'; ")
                // SPLICE_F_NONBLOCK: 5 bytes from the pipe to the file
                .append(sc("splice", "$prd, 0, $fd, 0, 5, 2")).append(" == 5 or die 'splice'; ")
                .append(sc("shutdown", "$sfd, 1")).append(" == 0 or die 'shutdown'; ")
                .append("my $sa = \"\\0\" x 128; my $sl = pack('L', 128); ")
                .append(sc("getsockname", "$sfd, $sa, $sl")).append(" == 0 or die 'getsockname'; ")
                .append("$sl = pack('L', 128); ")
                .append(sc("getpeername", "$sfd, $sa, $sl")).append(" == 0 or die 'getpeername'; ")
                // LOCK_SH | LOCK_NB, then LOCK_UN
                .append(sc("flock", "$fd, 5")).append(" == 0 or die 'flock'; ")
                .append(sc("flock", "$fd, 8")).append(" == 0 or die 'unlock'; ")
                // a process group leader cannot make a session: EPERM each time (setsid's result is a PT_PID: -1, no errno name)
                .append(sc("setsid", "")).append(" == -1 or die 'setsid'; ")
                .append(sc("setpgid", "0, 0")).append(" == 0 or die 'setpgid'; ")
                .append(sc("fchmod", "$fd, 0640")).append(" == 0 or die 'fchmod'; ")
                .append(sc("fchmodat", "-100, my $fn = 'f', 0604, 0")).append(" == 0 or die 'fchmodat'; ")
                .append(sc("linkat", "-100, my $lo = 'f', -100, my $ln = 'l2', 0")).append(" == 0 or die 'linkat'; ")
                .append(sc("symlinkat", "my $so = 'f', -100, my $sn = 's2'")).append(" == 0 or die 'symlinkat'; ")
                .append("unlink('l2', 's2') == 2 or die 'unlink'; ");
        if (has("epoll_wait")) {
            p.append("my $evs = \"\\0\" x 64; ").append(sc("epoll_wait", "$ep, $evs, 4, 0")).append(" == 0 or die 'epoll_wait'; ");
        }
        if (has("select")) {
            p.append("my $tv = pack('q2', 0, 0); ").append(sc("select", "0, 0, 0, 0, $tv")).append(" == 0 or die 'select'; ");
        }
        if (has("getdents")) {
            p.append(sc("lseek", "$dfd, 0, 0")).append("; my $gd = ").append(sc("getdents", "$dfd, $dents, 4096"))
                    .append("; $gd > 0 or die 'getdents'; print \"gd $gd\\n\" if $i == 1; ");
        }
        if (has("chmod")) {
            p.append(sc("chmod", "my $cp = '" + d + "/f', 0600")).append(" == 0 or die 'chmod'; ");
        }
        if (has("link")) {
            p.append(sc("link", "my $o = '" + d + "/f', my $n = '" + d + "/l'")).append(" == 0 or die 'link'; unlink('l') or die; ");
        }
        if (has("symlink")) {
            p.append(sc("symlink", "my $t = 'f', my $n2 = '" + d + "/s'")).append(" == 0 or die 'symlink'; unlink('s') or die; ");
        }
        p.append("} ");
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("more.scap"), Workload.perl(p.toString()));
        List<String> lines = r.calls();
        Map<String, String> v = r.values();
        String fd = v.get("fd");
        String file = fd + "(<f>" + d + "/f)";
        // opened without O_DIRECTORY (perl's open): sysdig types the fd as a file
        String dfd = v.get("dfd") + "(<f>" + d + "/sub)";
        String sock = v.get("sfd") + "(<u>)";
        // enter line -> the line that must follow it (an exit's prefix when it ends with "..."); each enter N times
        List<String[]> pairs = new ArrayList<>();
        pairs.add(new String[] {"> futex addr=1000 op=129(FUTEX_PRIVATE_FLAG|FUTEX_WAKE) val=1 ", "< futex res=0 "});
        pairs.add(new String[] {"> brk addr=0 ", "< brk res=" + Long.toHexString(Long.parseLong(v.get("brk"))).toUpperCase(java.util.Locale.ROOT) + " vm_size=..."});
        pairs.add(new String[] {"> getdents64 fd=" + dfd + " ", "< getdents64 res=" + v.get("dents") + " "});
        pairs.add(new String[] {"> splice fd_in=" + v.get("prd") + "(<p>) fd_out=" + file + " size=5 flags=2(SPLICE_F_NONBLOCK) ",
            "< splice res=5 "});
        pairs.add(new String[] {"> shutdown fd=" + sock + " how=1(SHUT_WR) ", "< shutdown res=0 "});
        pairs.add(new String[] {"> getsockname ", "< getsockname "});
        pairs.add(new String[] {"> getpeername ", "< getpeername "});
        pairs.add(new String[] {"> flock fd=" + file + " operation=5(LOCK_SH|LOCK_NB) ", "< flock res=0 "});
        pairs.add(new String[] {"> flock fd=" + file + " operation=8(LOCK_UN) ", "< flock res=0 "});
        pairs.add(new String[] {"> setsid ", "< setsid res=-1 "});
        pairs.add(new String[] {"> setpgid pid=0 pgid=0 ", "< setpgid res=0 "});
        pairs.add(new String[] {"> fchmod ", "< fchmod res=0 fd=" + file + " mode=0640(S_IRGRP|S_IWUSR|S_IRUSR) "});
        pairs.add(new String[] {"> fchmodat ", "< fchmodat res=0 dirfd=-100(AT_FDCWD) filename=f(" + d + "/f) mode=0604(S_IROTH|S_IWUSR|S_IRUSR) "});
        pairs.add(new String[] {"> linkat ", "< linkat res=0 olddir=-100(AT_FDCWD) oldpath=f(" + d + "/f) newdir=-100(AT_FDCWD) newpath=l2("
            + d + "/l2) flags=0 "});
        pairs.add(new String[] {"> symlinkat ", "< symlinkat res=0 target=f linkdirfd=-100(AT_FDCWD) linkpath=s2(" + d + "/s2) "});
        if (has("epoll_wait")) {
            pairs.add(new String[] {"> epoll_wait maxevents=4 ", "< epoll_wait res=0 "});
        }
        if (has("select")) {
            pairs.add(new String[] {"> select ", "< select res=0 "});
        }
        if (has("getdents")) {
            pairs.add(new String[] {"> getdents fd=" + dfd + " ", "< getdents res=" + v.get("gd") + " "});
        }
        if (has("chmod")) {
            pairs.add(new String[] {"> chmod ", "< chmod res=0 filename=" + d + "/f mode=0600(S_IWUSR|S_IRUSR) "});
        }
        if (has("link")) {
            pairs.add(new String[] {"> link ", "< link res=0 oldpath=" + d + "/f newpath=" + d + "/l "});
        }
        if (has("symlink")) {
            pairs.add(new String[] {"> symlink ", "< symlink res=0 target=f linkpath=" + d + "/s "});
        }
        for (String[] pair : pairs) {
            // setpgid, brk, getdents64: once more before the loop
            boolean before = pair[0].startsWith("> setpgid") || pair[0].startsWith("> brk") || pair[0].startsWith("> getdents64");
            WrittenCapture.assertFollowed(lines, pair[0], before ? N + 1 : N, pair[1]);
        }
    }
}
