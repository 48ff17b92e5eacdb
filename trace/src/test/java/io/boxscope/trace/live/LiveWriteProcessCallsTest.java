package io.boxscope.trace.live;

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
 * Less frequent system calls that were generic events get the driver's own events (libs e5c53d64: SEMGET, SEMCTL, SEMOP,
 * UNSHARE, SETNS, SECCOMP, COPY_FILE_RANGE, CHROOT, SENDMMSG, RECVMMSG): a perl child makes each {@link #N} times
 * through syscall(2) with this machine's numbers, and {@code sysdig -r} on our {@code trace -w} file prints them
 * under their own names with the driver's parameters (flags as its PPM_* bits); our reader prints the same lines.
 */
@KernelTest
class LiveWriteProcessCallsTest {
    private static final int N = 3;

    @Test
    void processCallsHaveTheirOwnEvents(@TempDir Path dir) throws Exception {
        String d = WrittenCapture.realDirWith(dir, "in", "0123456789");
        Files.writeString(dir.resolve("out"), "");
        String p = "$| = 1; open(my $in, '<', '" + d + "/in') or die; my $fi = fileno($in); "
                + "open(my $out, '+<', '" + d + "/out') or die; my $fo = fileno($out); "
                + "use Socket; socketpair(my $s1, my $s2, AF_UNIX, SOCK_DGRAM, 0) or die; my $sfd = fileno($s1); "
                + "my $key = $$ + 0x5000000; my $act = pack('L', 0x7fff0000); "
                + "print \"fi $fi\\nfo $fo\\nkey $key\\neuid $>\\n\"; "
                + "for my $i (1.." + N + ") { "
                // IPC_CREAT | 0600: made the first time, the same set after
                + "my $id = " + sc("semget", "$key, 1, 01600") + "; $id >= 0 or die 'semget'; print \"id $id\\n\" if $i == 1; "
                + sc("semctl", "$id, 0, 16, 5") + " == 0 or die 'semctl SETVAL'; "
                + sc("semctl", "$id, 0, 12, 0") + " == 5 or die 'semctl GETVAL'; "
                // sem 0 down with IPC_NOWAIT, up with SEM_UNDO
                + sc("semop", "$id, my $ops = pack('s3 s3', 0, -1, 04000, 0, 1, 0x1000), 2") + " == 0 or die 'semop'; "
                + sc("unshare", "0x200") + " == 0 or die 'unshare'; "
                + sc("setns", "-1, 0x40000000") + " == -1 or die 'setns'; "
                // SECCOMP_GET_ACTION_AVAIL of SECCOMP_RET_ALLOW
                + sc("seccomp", "2, 0, $act") + " == 0 or die 'seccomp'; "
                + sc("lseek", "$fi, 0, 0") + "; "
                + sc("copy_file_range", "$fi, 0, $fo, 0, 4, 0") + " == 4 or die 'copy_file_range'; "
                + "my $cr = " + sc("chroot", "my $root = '/'") + "; "
                + sc("sendmmsg", "$sfd, 0, 0, 0") + " == 0 or die 'sendmmsg'; "
                + "} " + sc("semctl", "$key = " + sc("semget", "$key, 1, 0600") + ", 0, 0, 0") + "; ";
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("proc.scap"), Workload.perl(p));
        List<String> lines = r.calls();
        Map<String, String> v = r.values();
        String key = Long.toHexString(Long.parseLong(v.get("key"))).toUpperCase(java.util.Locale.ROOT);
        String id = v.get("id");
        List<String[]> pairs = new ArrayList<>();
        pairs.add(new String[] {"> semget key=" + key + " nsems=1 semflg=8192(IPC_CREAT) ", "< semget res=" + id + " "});
        pairs.add(new String[] {"> semctl semid=" + id + " semnum=0 cmd=4096(SETVAL) val=5 ", "< semctl res=0 "});
        pairs.add(new String[] {"> semctl semid=" + id + " semnum=0 cmd=512(GETVAL) val=0 ", "< semctl res=5 "});
        pairs.add(new String[] {"> semop semid=" + id + " ", "< semop res=0 nsops=2 sem_num_0=0 sem_op_0=-1 sem_flg_0=1(IPC_NOWAIT) "
            + "sem_num_1=0 sem_op_1=1 sem_flg_1=2(SEM_UNDO) "});
        pairs.add(new String[] {"> unshare flags=2(CLONE_FS) ", "< unshare res=0 "});
        pairs.add(new String[] {"> setns fd=-1(EPERM) nstype=16(CLONE_NEWNET) ", "< setns res=-9(EBADF) "});
        pairs.add(new String[] {"> seccomp op=2 ", "< seccomp res=0 "});
        pairs.add(new String[] {"> copy_file_range fdin=" + v.get("fi") + "(<f>" + d + "/in) offin=0 len=4 ",
            "< copy_file_range res=4 fdout=" + v.get("fo") + "(<f>" + d + "/out) offout=0 "});
        pairs.add(new String[] {"> chroot ", "< chroot res=" + ("0".equals(v.get("euid")) ? "0" : "-1(EPERM)") + " path=/ "});
        pairs.add(new String[] {"> sendmmsg ", "< sendmmsg "});
        WrittenCapture.assertPairs(lines, pairs, N);
    }
}
