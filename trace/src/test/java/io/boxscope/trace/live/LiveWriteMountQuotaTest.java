package io.boxscope.trace.live;

import static io.boxscope.trace.live.WrittenCapture.sc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: mount and quotactl were generic events under {@code trace -w}; the driver records them as MOUNT and
 * QUOTACTL (libs e5c53d64 driver/syscall_table.c) with its parameters ({@link AdminEvents}). A perl child moves to a
 * private mount namespace (unshare(CLONE_NEWNS), then / made private: one mount call), then {@link #N} times mounts a
 * tmpfs on a directory of its own (flags MS_NOSUID|MS_NODEV with the old MS_MGC_VAL magic in the top bits, which the
 * driver clears) and unmounts it, and asks quotactl for the format of user quotas (Q_GETFMT), to turn group quotas on
 * with format QFMT_VFS_V0 and a quota file (Q_QUOTAON), and for user 1234's quota (Q_GETQUOTA) on that directory,
 * no block device: each fails, with the errno the child prints. {@code sysdig -r} prints each under its own name with
 * the driver's conversions (mount flags as PPM_MS_*, cmd as PPM_Q_*, type, id, formats as PPM_QFMT_*); our reader
 * prints the same lines.
 */
@KernelTest
class LiveWriteMountQuotaTest {
    private static final int N = 2;

    @Test
    void mountAndQuotactlHaveTheirOwnEvents(@TempDir Path dir) throws Exception {
        Path mp = dir.toRealPath().resolve("mnt");
        Files.createDirectories(mp);
        String p = "$| = 1; my $mp = '" + mp + "'; my $none = 'none'; my $root = '/'; "
                + sc("unshare", "0x20000") + " == 0 or die \"unshare $!\"; "
                + sc("mount", "$none, $root, 0, 0x44000, 0") + " == 0 or die \"private $!\"; "
                + "my $src = 'bxtmp'; my $type = 'tmpfs'; my $opts = 'size=1m'; "
                + "for my $i (1.." + N + ") { "
                + sc("mount", "$src, $mp, $type, 0xC0ED0006, $opts") + " == 0 or die \"mount $!\"; "
                + sc("umount2", "$mp, 0") + " == 0 or die \"umount $!\"; "
                + "my $fmt = pack('L', 0); " + sc("quotactl", "0x80000400, $mp, 0, $fmt") + " == -1 or die 'getfmt'; "
                + "print \"getfmt \", $! + 0, \"\\n\" if $i == 1; "
                + "my $qf = '/aquota.group'; " + sc("quotactl", "0x80000201, $mp, 2, $qf") + " == -1 or die 'quotaon'; "
                + "print \"quotaon \", $! + 0, \"\\n\" if $i == 1; "
                + "my $dq = \"\\0\" x 72; " + sc("quotactl", "0x80000700, $mp, 1234, $dq") + " == -1 or die 'getquota'; "
                + "print \"getquota \", $! + 0, \"\\n\" if $i == 1; "
                + "} ";
        Process child = Workload.perl(p);
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("mount.scap"), child,
                "evt.type in (mount, umount, quotactl) and proc.pid=" + child.pid(), true);
        List<String> lines = r.sysdig().stream().map(l -> l.substring(l.indexOf(") ") + 2)).toList();
        Map<String, String> v = r.values();
        WrittenCapture.assertFollowed(lines, "> mount flags=278528(REC|PRIVATE) ", 1, "< mount res=0 dev=none dir=/ type= ");
        WrittenCapture.assertFollowed(lines, "> mount flags=6(NOSUID|NODEV) ", N, "< mount res=0 dev=bxtmp dir=" + mp + " type=tmpfs ");
        WrittenCapture.assertFollowed(lines, "> umount flags=0 ", N, "< umount res=0 name=" + mp + " ");
        WrittenCapture.assertFollowed(lines, "> quotactl cmd=4(Q_GETFMT) type=1(USRQUOTA) id=0 quota_fmt=1(QFMT_NOT_USED) ", N,
                "< quotactl res=" + errno(v.get("getfmt")) + " special=" + mp + " quotafilepath= ...");
        WrittenCapture.assertFollowed(lines, "> quotactl cmd=1(Q_QUOTAON) type=2(GRPQUOTA) id=0 quota_fmt=4(QFMT_VFS_V0) ", N,
                "< quotactl res=" + errno(v.get("quotaon")) + " special=" + mp + " quotafilepath=/aquota.group ...");
        WrittenCapture.assertFollowed(lines, "> quotactl cmd=32(Q_GETQUOTA) type=1(USRQUOTA) id=1234 quota_fmt=1(QFMT_NOT_USED) ", N,
                "< quotactl res=" + errno(v.get("getquota")) + " special=" + mp + " quotafilepath= ...");
    }

    /**
     * mount's type is a string, read up to its NUL as the driver reads it: a child maps two pages, unmaps the second
     * and puts "bxfs" and its NUL in the last 5 bytes of the first, then mounts with that type on a directory that
     * does not exist (ENOENT, after the kernel copied the type). The exit's {@code type} is "bxfs"; it was empty
     * when the type was read as 63 bytes, which ran into the unmapped page and failed whole.
     */
    @Test
    void mountsTypeIsReadAsAStringAtTheEndOfAMapping(@TempDir Path dir) throws Exception {
        String p = atEndOfMapping(dir.toRealPath().resolve("type"), new byte[] {'b', 'x', 'f', 's', 0})
                + "my $src = 'none'; my $mp = '" + dir.toRealPath() + "/absent'; "
                + sc("mount", "$src, $mp, $at, 0, 0") + " == -1 or die 'mount'; ";
        List<String> exits = exits(dir.resolve("type.scap"), "mount", p);
        assertEquals(1, exits.size(), "mount exits: " + exits);
        assertTrue((exits.getFirst() + " ").contains(" dir=" + dir.toRealPath() + "/absent type=bxfs "),
                "the type read up to its NUL: " + exits.getFirst());
    }

    /**
     * quotactl's {@code struct if_dqblk} (Q_GETQUOTA, Q_SETQUOTA) as f_sys_quotactl_x writes it (libs e5c53d64
     * driver/ppm_fillers.c): the 72 bytes at addr copied at the exit whatever the call returned, each field written
     * when its dqb_valid bit is set, 0 otherwise. On a directory (no quota here) both calls fail and leave the
     * caller's buffer as it was: valid = QIF_BLIMITS|QIF_SPACE|QIF_ILIMITS|QIF_ITIME, so dqb_btime (1007 in the
     * buffer) is written 0 and the rest as the buffer has them. Before, every field was 0.
     */
    @Test
    void quotactlWritesTheDqblkFieldsByTheirValidBits(@TempDir Path dir) throws Exception {
        String p = "my $mp = '" + dir.toRealPath() + "'; "
                + "my $dq = pack('QQQQQQQQLL', 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 39, 0); "
                + sc("quotactl", "0x80000800, $mp, 4321, $dq") + " == -1 or die 'setquota'; "
                + sc("quotactl", "0x80000700, $mp, 4321, $dq") + " == -1 or die 'getquota'; ";
        List<String> exits = exits(dir.resolve("dqblk.scap"), "quotactl", p);
        assertEquals(2, exits.size(), "quotactl exits: " + exits);
        for (String e : exits) {
            assertTrue((e + " ").contains(" dqb_bhardlimit=1001 dqb_bsoftlimit=1002 dqb_curspace=1003 "
                    + "dqb_ihardlimit=1004 dqb_isoftlimit=1005 dqb_btime=0(0s) dqb_itime=1008(1.008e-06s) "), "the dqblk fields by their valid bits: " + e);
        }
    }

    /**
     * Q_SETINFO's {@code struct if_dqinfo} (24 bytes) in the last 24 bytes of a mapping: the exit reads 72 bytes at addr
     * for any quotactl (an if_dqblk's size), which fails there; it then reads up to the end of the page, so the
     * dqinfo fields are written by their dqi_valid bits as the driver copies the 24 bytes (f_sys_quotactl_x), not 0.
     */
    @Test
    void quotactlReadsADqinfoAtTheEndOfAMapping(@TempDir Path dir) throws Exception {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.nativeOrder());
        b.putLong(11).putLong(22).putInt(5).putInt(7); // dqi_bgrace, dqi_igrace, dqi_flags, dqi_valid = IIF_ALL
        String p = atEndOfMapping(dir.toRealPath().resolve("info"), b.array())
                + "my $mp = '" + dir.toRealPath() + "'; "
                + sc("quotactl", "0x80000600, $mp, 0, $at") + " == -1 or die 'setinfo'; ";
        List<String> exits = exits(dir.resolve("info.scap"), "quotactl", p);
        assertEquals(1, exits.size(), "quotactl exits: " + exits);
        String e = exits.getFirst() + " ";
        assertTrue(e.contains(" dqi_bgrace=11(") && e.contains(" dqi_igrace=22(") && e.contains(" dqi_flags=5"),
                "the dqinfo fields: " + e);
    }

    /**
     * Perl that leaves {@code bytes} (written to {@code file} first) at {@code $at}, the last bytes of a page whose
     * next page is unmapped: it maps two pages of the system's size, unmaps the second and reads the file to the end
     * of the first, so that a read past the bytes faults.
     */
    private static String atEndOfMapping(Path file, byte[] bytes) throws java.io.IOException {
        Files.write(file, bytes);
        int n = bytes.length;
        return "use POSIX (); my $ps = POSIX::sysconf(POSIX::_SC_PAGESIZE()); "
                + "my $a = " + sc("mmap", "0, 2 * $ps, 3, 0x22, -1, 0") + "; $a > 0 or die \"mmap $!\"; "
                + sc("munmap", "$a + $ps, $ps") + " == 0 or die \"munmap $!\"; my $at = $a + $ps - " + n + "; "
                + "open(my $f, '<', '" + file + "') or die 'open'; "
                + sc("read", "fileno($f), $at, " + n) + " == " + n + " or die \"read $!\"; ";
    }

    /** The exits of {@code call} a perl child running {@code body} made under {@code trace -w scap}, as sysdig -r prints them. */
    private static List<String> exits(Path scap, String call, String body) throws Exception {
        Process child = Workload.perl(body);
        WrittenCapture.Result r = WrittenCapture.run(scap, child, "evt.type=" + call + " and proc.pid=" + child.pid(), true);
        return r.sysdig().stream().filter(l -> l.contains(" < " + call + " ")).toList();
    }

    /**
     * quotactl with an addr that cannot be read (NULL) for the commands whose structure the driver copies from it
     * (Q_GETQUOTA's if_dqblk, Q_GETINFO's if_dqinfo, Q_GETFMT's u32): f_sys_quotactl_x returns
     * PPM_FAILURE_INVALID_USER_MEMORY and the driver loses the exit (libs e5c53d64 driver/ppm_fillers.c,
     * driver/bpf/fillers.h), counting a page-fault drop. So: their 3 entries are written, their exits are not and are
     * counted ({@link LiveCapture.Summary#faultDrops}); Q_SYNC, which reads nothing at addr, keeps its exit. Before,
     * the 3 exits were written with zeros.
     */
    @Test
    void quotactlAtAnUnreadableAddrLosesItsExitAsTheDriverDoes(@TempDir Path dir) throws Exception {
        String p = "my $mp = '" + dir.toRealPath() + "'; "
                + sc("quotactl", "0x80000700, $mp, 4321, 0") + " == -1 or die 'getquota'; "
                + sc("quotactl", "0x80000500, $mp, 0, 0") + " == -1 or die 'getinfo'; "
                + sc("quotactl", "0x80000400, $mp, 0, 0") + " == -1 or die 'getfmt'; "
                + sc("quotactl", "0x80000100, $mp, 0, 0") + " == -1 or die 'sync'; ";
        Process child = Workload.perl(p);
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("fault.scap"), child,
                "evt.type=quotactl and proc.pid=" + child.pid(), true);
        List<String> enters = r.sysdig().stream().filter(l -> l.contains(" > quotactl ")).toList();
        List<String> exits = r.sysdig().stream().filter(l -> l.contains(" < quotactl ")).toList();
        org.junit.jupiter.api.Assertions.assertEquals(4, enters.size(), "quotactl entries: " + r.sysdig());
        org.junit.jupiter.api.Assertions.assertEquals(1, exits.size(), "only Q_SYNC's exit: " + r.sysdig());
        org.junit.jupiter.api.Assertions.assertEquals(3, r.summary().faultDrops(), "the lost exits are counted: " + r.summary());
    }

    /** "-N(NAME)" as sysdig prints a failed call's result, for the errno numbers quotactl gives here. */
    private static String errno(String n) {
        return switch (n) {
            case "15" -> "-15(ENOTBLK)";
            case "2" -> "-2(ENOENT)";
            case "22" -> "-22(EINVAL)";
            case "1" -> "-1(EPERM)";
            case "19" -> "-19(ENODEV)";
            default -> throw new AssertionError("quotactl on a directory failed with errno " + n);
        };
    }
}
