package io.boxscope.trace.live;

import static io.boxscope.trace.live.WrittenCapture.sc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * setsockopt and getsockopt get the driver's events (libs e5c53d64: SETSOCKOPT, GETSOCKOPT, everything at the exit)
 * with level and optname as PPM_SOCKOPT_* and the value as parse_sockopt types it (PT_DYN: an int option as a u32,
 * SO_ERROR as an errno, SO_RCVTIMEO as a relative time, other levels and options as bytes): a perl child makes each
 * {@link #N} times on a TCP socket through syscall(2) with this machine's numbers, and {@code sysdig -r} on our
 * {@code trace -w} file prints those values; our reader prints the same lines.
 */
@KernelTest
class LiveWriteSockoptTest {
    private static final int N = 3;

    @Test
    void socketOptionsAreRecorded(@TempDir Path dir) throws Exception {
        String p = "$| = 1; use Socket; socket(my $s, AF_INET, SOCK_STREAM, 0) or die; my $fd = fileno($s); "
                + "print \"fd $fd\\n\"; "
                + "for my $i (1.." + N + ") { "
                // SOL_SOCKET SO_RCVBUF 65536; SO_RCVTIMEO 2.0005 s; SOL_TCP (6) TCP_NODELAY (1): bytes
                + sc("setsockopt", "$fd, 1, 8, my $v = pack('i', 65536), 4") + " == 0 or die 'SO_RCVBUF'; "
                + sc("setsockopt", "$fd, 1, 20, my $tv = pack('q2', 2, 500), 16") + " == 0 or die 'SO_RCVTIMEO'; "
                + sc("setsockopt", "$fd, 6, 1, my $one = pack('i', 1), 4") + " == 0 or die 'TCP_NODELAY'; "
                // SO_TYPE: SOCK_STREAM; SO_ERROR: none
                + "my $out = \"\\0\" x 16; my $len = pack('L', 4); "
                + sc("getsockopt", "$fd, 1, 3, $out, $len") + " == 0 or die 'SO_TYPE'; "
                + "$len = pack('L', 4); " + sc("getsockopt", "$fd, 1, 4, $out, $len") + " == 0 or die 'SO_ERROR'; "
                + "} ";
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("sockopt.scap"), Workload.perl(p));
        List<String> lines = r.calls();
        String all = String.join("\n", lines);
        Map<String, String> v = r.values();
        String fd = v.get("fd") + "(<4>)"; // an unconnected IPv4 socket
        List<String[]> pairs = new ArrayList<>();
        pairs.add(new String[] {"> setsockopt ", "< setsockopt res=0 fd=" + fd + " level=1(SOL_SOCKET) optname=8(SO_RCVBUF) val=65536 optlen=4 "});
        pairs.add(new String[] {"> setsockopt ", "< setsockopt res=0 fd=" + fd + " level=1(SOL_SOCKET) optname=20(SO_RCVTIMEO) val=2000500000(2.0005s) optlen=16 "});
        pairs.add(new String[] {"> setsockopt ", "< setsockopt res=0 fd=" + fd + " level=2(SOL_TCP) optname=0(UNKNOWN) val=.... optlen=4 "});
        pairs.add(new String[] {"> getsockopt ", "< getsockopt res=0 fd=" + fd + " level=1(SOL_SOCKET) optname=3(SO_TYPE) val=1 optlen=4 "});
        pairs.add(new String[] {"> getsockopt ", "< getsockopt res=0 fd=" + fd + " level=1(SOL_SOCKET) optname=4(SO_ERROR) val=0 optlen=4 "});
        for (String[] pair : pairs) {
            int seen = 0;
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).equals(pair[1]) && lines.get(i - 1).equals(pair[0])) {
                    seen++;
                }
            }
            assertEquals(N, seen, pair[1] + "\n" + all);
        }
    }

    /**
     * getsockopt's optlen is the u32 the kernel left behind the optlen pointer, whole, and val its first bytes up to
     * the snap length (f_sys_getsockopt_x, libs e5c53d64 driver/ppm_fillers.c), also for an option longer than a
     * socket address (TCP_INFO, 232 bytes on 6.x) and for a failed call (the caller's optlen, the caller's bytes).
     */
    @Test
    void longAndFailedGetsockoptKeepTheirLength(@TempDir Path dir) throws Exception {
        String p = "$| = 1; use Socket; socket(my $l, AF_INET, SOCK_STREAM, 0) or die; "
                + "bind($l, pack_sockaddr_in(0, inet_aton('127.0.0.1'))) or die; listen($l, 1) or die; "
                + "socket(my $s, AF_INET, SOCK_STREAM, 0) or die; connect($s, getsockname($l)) or die; my $fd = fileno($s); "
                + "my $len; for my $i (1.." + N + ") { "
                // SOL_TCP (6) TCP_INFO (11) into 512 bytes: the kernel writes back how much it filled
                + "my $out = \"\\0\" x 512; $len = pack('L', 512); "
                + sc("getsockopt", "$fd, 6, 11, $out, $len") + " == 0 or die 'TCP_INFO'; "
                // SOL_TCP optname 999: ENOPROTOOPT, the caller's 6 bytes and optlen stay
                + "my $bad = 'abcdef'; my $blen = pack('L', 6); "
                + sc("getsockopt", "$fd, 6, 999, $bad, $blen") + " == -1 or die 'optname 999'; "
                + "} print \"fd $fd\\nlen \", unpack('L', $len), \"\\n\"; ";
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("getsockopt.scap"), Workload.perl(p));
        List<String> lines = r.calls();
        String all = String.join("\n", lines);
        Map<String, String> v = r.values();
        long len = Long.parseLong(v.get("len"));
        assertTrue(len > CaptureProbe.SOCKADDR_MAX, "TCP_INFO is " + len + " bytes here\n" + all);
        String head = "< getsockopt res=0 fd=" + v.get("fd") + "(<4t>127.0.0.1:";
        String tail = " level=2(SOL_TCP) optname=0(UNKNOWN) val=";
        int seen = 0;
        for (String line : lines) {
            if (line.startsWith(head) && line.contains(tail) && line.endsWith(" optlen=" + len + " ")) {
                String val = line.substring(line.indexOf(tail) + tail.length(), line.length() - (" optlen=" + len + " ").length());
                assertEquals(Math.min(len, LiveCapture.DEFAULT_SNAPLEN), val.length(), line);
                seen++;
            }
        }
        assertEquals(N, seen, "TCP_INFO exits with optlen=" + len + "\n" + all);
        long failed = lines.stream().filter(l -> l.startsWith("< getsockopt res=-92(ENOPROTOOPT) fd=" + v.get("fd"))
                && l.endsWith(" level=2(SOL_TCP) optname=0(UNKNOWN) val=abcdef optlen=6 ")).count();
        assertEquals(N, failed, "failed getsockopt exits with the caller's optval and optlen\n" + all);
    }
}
