package io.boxscope.trace.live;

import static io.boxscope.trace.live.WrittenCapture.has;
import static io.boxscope.trace.live.WrittenCapture.sc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * System calls whose driver events carry what their pointer arguments point to (libs e5c53d64: POLL and PPOLL's
 * fd lists, PPOLL's timeout and sigmask, NANOSLEEP's interval, GETRLIMIT/SETRLIMIT/PRLIMIT's limits, SENDFILE's
 * offset before and after): a perl child makes each {@link #N} times through syscall(2) with this machine's numbers
 * (calls the architecture lacks are left out), and {@code sysdig -r} on our {@code trace -w} file prints them with
 * those values; our reader prints the same lines.
 */
@KernelTest
class LiveWriteStructArgsTest {
    private static final int N = 3;

    @Test
    void pointedToArgumentsAreRecorded(@TempDir Path dir) throws Exception {
        String d = WrittenCapture.realDirWith(dir, "f", "0123456789");
        StringBuilder p = new StringBuilder("$| = 1; open(my $f, '<', '").append(d).append("/f') or die; my $fd = fileno($f); ")
                .append("pipe(my $pr, my $pw) or die; my $prd = fileno($pr); my $pwr = fileno($pw); ")
                .append("syswrite($pw, 'x') == 1 or die; ")
                .append("my $lim = \"\\0\" x 16; ").append(sc("prlimit64", "0, 7, 0, $lim")).append(" == 0 or die 'prlimit64'; ")
                .append("my ($cur, $max) = unpack('q2', $lim); ")
                .append("print \"fd $fd\\nprd $prd\\npwr $pwr\\ncur $cur\\nmax $max\\n\"; ")
                // POLLIN on the read end (a byte waits), POLLOUT on the write end
                .append("my $fds = pack('iss iss', $prd, 1, 0, $pwr, 4, 0); ")
                .append("my $mask = pack('Q', 1 << 9); my $nap = pack('q2', 0, 1000); ")
                .append("for my $i (1..").append(N).append(") { ");
        if (has("poll")) {
            p.append(sc("poll", "$fds, 2, 0")).append(" == 2 or die 'poll'; ");
        }
        // the kernel writes the time left back to the timespec: a fresh one each round
        p.append("my $tsp = pack('q2', 1, 500); ").append(sc("ppoll", "$fds, 2, $tsp, $mask, 8")).append(" == 2 or die 'ppoll'; ")
                .append(sc("nanosleep", "$nap, 0")).append(" == 0 or die 'nanosleep'; ")
                .append(sc("prlimit64", "0, 7, 0, $lim")).append(" == 0 or die 'prlimit64 old'; ")
                .append(sc("prlimit64", "0, 7, $lim, 0")).append(" == 0 or die 'prlimit64 new'; ")
                .append("my $off = pack('q', 2); ").append(sc("sendfile", "$pwr, $fd, $off, 3")).append(" == 3 or die 'sendfile'; ")
                .append("sysread($pr, my $got, 3) == 3 or die; ");
        if (has("getrlimit")) {
            p.append(sc("getrlimit", "7, $lim")).append(" == 0 or die 'getrlimit'; ")
                    .append(sc("setrlimit", "7, $lim")).append(" == 0 or die 'setrlimit'; ")
                    // RLIMIT_NOFILE: an unreadable pointer fails, EFAULT, and the driver has no limits then
                    .append(sc("getrlimit", "7, 8")).append(" == -1 or die 'getrlimit EFAULT'; ");
        }
        p.append("} ");
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("struct.scap"), Workload.perl(p.toString()));
        List<String> lines = r.calls();
        Map<String, String> v = r.values();
        String fds = "fds=" + v.get("prd") + ":p1 " + v.get("pwr") + ":p4";
        String lim = v.get("cur") + " max=" + v.get("max");
        List<String[]> pairs = new ArrayList<>();
        if (has("poll")) {
            pairs.add(new String[] {"> poll " + fds + " timeout=0 ", "< poll res=2 " + fds + " "});
        }
        pairs.add(new String[] {"> ppoll " + fds + " timeout=1000000500(1s) sigmask=SIGUSR1 ", "< ppoll res=2 " + fds + " "});
        pairs.add(new String[] {"> nanosleep interval=1000(1e-06s) ", "< nanosleep res=0 "});
        pairs.add(new String[] {"> prlimit pid=0 resource=7(RLIMIT_NOFILE) ", "< prlimit res=0 newcur=-1 newmax=-1 oldcur=" + v.get("cur")
            + " oldmax=" + v.get("max") + " ", "< prlimit res=0 newcur=" + lim.replace(" max=", " newmax=") + " oldcur=-1 oldmax=-1 "});
        pairs.add(new String[] {"> sendfile out_fd=" + v.get("pwr") + "(<p>) in_fd=" + v.get("fd") + "(<f>" + d + "/f) offset=2 size=3 ",
            "< sendfile res=3 offset=5 "});
        if (has("getrlimit")) {
            pairs.add(new String[] {"> getrlimit resource=7(RLIMIT_NOFILE) ", "< getrlimit res=0 cur=" + lim + " ",
                "< getrlimit res=-14(EFAULT) cur=-1 max=-1 "});
            pairs.add(new String[] {"> setrlimit resource=7(RLIMIT_NOFILE) ", "< setrlimit res=0 cur=" + lim + " "});
        }
        for (String[] pair : pairs) {
            // prlimit64 and getrlimit: two calls per round (one more prlimit64 before the loop); pair[1..]: the exits either may have
            int want = pair.length == 3 ? 2 * N : N;
            WrittenCapture.assertFollowed(lines, pair[0], pair[0].startsWith("> prlimit") ? want + 1 : want,
                    Arrays.copyOfRange(pair, 1, pair.length));
        }
    }
}
