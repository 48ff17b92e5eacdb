package io.boxscope.trace.live;

import static io.boxscope.trace.live.WrittenCapture.sc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * getuid, geteuid, getgid, getegid, getresuid and getresgid get the driver's own events (libs e5c53d64
 * driver/syscall_table.c: GETUID ... GETRESGID; they were generic events): a perl child makes each {@link #N} times
 * through syscall(2) with this machine's numbers, and one getresuid and one getresgid whose first pointer is not
 * mapped (EFAULT); {@code sysdig -r} on our {@code trace -w} file prints them under their own names with the ids
 * (the getters' return value; getresuid's and getresgid's three ids read behind the caller's pointers at the exit,
 * 0 where unreadable), our reader prints the same lines, and {@code evt.type=getresuid} keeps only those.
 */
@KernelTest
class LiveWriteUserIdsTest {
    private static final int N = 4;

    /**
     * As root the child first sets distinct real, effective and saved ids (setresgid 11 12 13, setresuid 21 22 23), so
     * each id of the events is told apart from the others and from the 0 of an unreadable pointer; it prints what the
     * kernel answered (its own getresuid and getresgid, unpacked), which the events must show.
     */
    private static String workload() throws java.io.IOException {
        // decided here, not by the child: perl's $> makes a geteuid of its own
        boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.matches("Uid:\\s+\\d+\\s+0\\s.*"));
        return "$| = 1; my ($r, $e, $s) = (\"\\0\" x 4, \"\\0\" x 4, \"\\0\" x 4); "
                + "if (" + (root ? 1 : 0) + ") { " + sc("setresgid", "11, 12, 13") + " == 0 or die 'setresgid'; "
                + sc("setresuid", "21, 22, 23") + " == 0 or die 'setresuid'; } "
                + sc("getresuid", "$r, $e, $s") + " == 0 or die 'getresuid'; "
                + "print 'ru ' . unpack('L', $r) . \"\\neu \" . unpack('L', $e) . \"\\nsu \" . unpack('L', $s) . \"\\n\"; "
                + sc("getresgid", "$r, $e, $s") + " == 0 or die 'getresgid'; "
                + "print 'rg ' . unpack('L', $r) . \"\\neg \" . unpack('L', $e) . \"\\nsg \" . unpack('L', $s) . \"\\n\"; "
                + "print 'uid ' . " + sc("getuid", "") + " . \"\\ngid \" . " + sc("getgid", "") + " . \"\\n\"; "
                + "for my $i (1.." + N + ") { "
                + sc("geteuid", "") + "; " + sc("getegid", "") + "; "
                + sc("getresuid", "$r, $e, $s") + " == 0 or die 'getresuid'; "
                + sc("getresgid", "$r, $e, $s") + " == 0 or die 'getresgid'; "
                + "} "
                // a pointer into page 0: the kernel's put_user fails (EFAULT) and so does the probe's read of it
                + sc("getresuid", "1, $e, $s") + " == -1 or die 'getresuid EFAULT'; "
                + sc("getresgid", "1, $e, $s") + " == -1 or die 'getresgid EFAULT'; ";
    }

    private static long count(List<String> lines, String regex) {
        return lines.stream().filter(l -> l.matches(regex)).count();
    }

    @Test
    void userIdCallsHaveTheirOwnEvents(@TempDir Path dir) throws Exception {
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("ids.scap"), Workload.perl(workload()));
        List<String> lines = r.calls();
        String all = String.join("\n", lines);
        Map<String, String> v = r.values();
        String id = "\\S* ";
        WrittenCapture.assertFollowed(lines, "> getuid ", 1, "< getuid uid=" + v.get("uid") + "...");
        WrittenCapture.assertFollowed(lines, "> getgid ", 1, "< getgid gid=" + v.get("gid") + "...");
        WrittenCapture.assertFollowed(lines, "> geteuid ", N, "< geteuid euid=" + v.get("eu") + "...");
        WrittenCapture.assertFollowed(lines, "> getegid ", N, "< getegid egid=" + v.get("eg") + "...");
        WrittenCapture.assertFollowed(lines, "> getresuid ", N + 2, "< getresuid res=...");
        WrittenCapture.assertFollowed(lines, "> getresgid ", N + 2, "< getresgid res=...");
        assertEquals(N + 1, count(lines, "< getresuid res=0 ruid=" + v.get("ru") + id + "euid=" + v.get("eu") + id
                + "suid=" + v.get("su") + id), all);
        assertEquals(N + 1, count(lines, "< getresgid res=0 rgid=" + v.get("rg") + id + "egid=" + v.get("eg") + id
                + "sgid=" + v.get("sg") + id), all);
        // the first pointer unreadable: 0 there, the other two as the last getresgid left them (the kernel stops at
        // the first failed put_user)
        assertEquals(1, count(lines, "< getresuid res=-14\\(EFAULT\\) ruid=0" + id + "euid=" + v.get("eg") + id
                + "suid=" + v.get("sg") + id), all);
        assertEquals(1, count(lines, "< getresgid res=-14\\(EFAULT\\) rgid=0" + id + "egid=" + v.get("eg") + id
                + "sgid=" + v.get("sg") + id), all);
        assertTrue(lines.stream().noneMatch(l -> l.contains("syscall")), all);
    }

    @Test
    void evtTypeGetresuidKeepsThemLive(@TempDir Path dir) throws Exception {
        Process child = Workload.perl(workload());
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("ids.scap"), child,
                "evt.type=getresuid and proc.pid=" + child.pid(), true);
        List<String> lines = r.calls();
        assertEquals(2 * (N + 2), lines.size(), String.join("\n", lines));
        assertTrue(lines.stream().allMatch(l -> l.startsWith("> getresuid ") || l.startsWith("< getresuid res=")),
                String.join("\n", lines));
    }
}
