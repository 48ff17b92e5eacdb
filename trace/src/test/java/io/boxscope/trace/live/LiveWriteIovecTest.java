package io.boxscope.trace.live;

import static io.boxscope.trace.live.WrittenCapture.sc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.proc.HostPaths;
import io.boxscope.trace.filter.ContainerResolver;
import io.boxscope.trace.filter.EventTable;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.PushDown;
import io.boxscope.trace.filter.ServiceNames;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * readv, writev, preadv and pwritev get the driver's events (libs e5c53d64: READV, WRITEV, PREADV, PWRITEV) with
 * their sizes and data, the buffers of several iovecs merged (parse_readv_writev_bufs): a perl child makes each
 * {@link #N} times through syscall(2) with this machine's numbers, with two iovecs each, on a file and on a pipe,
 * and a failed readv (EBADF: the size still adds the iovecs up, no data; sysdig prints fd -1 as an errno); {@code sysdig -r} on our {@code trace -w}
 * file prints them with the bytes written and read, and our reader prints the same lines.
 */
@KernelTest
class LiveWriteIovecTest {
    private static final int N = 3;
    /** Verifier steps any capture program may take: see {@link #verifierWorkStaysWellBelowTheLimit}. */
    private static final long VERIFIER_BUDGET = 400_000;

    @Test
    void iovecCallsCarryTheirData(@TempDir Path dir) throws Exception {
        String d = WrittenCapture.realDirWith(dir, "f", "");
        String p = "$| = 1; open(my $f, '+<', '" + d + "/f') or die; my $fd = fileno($f); "
                + "pipe(my $pr, my $pw) or die; my $prd = fileno($pr); my $pwr = fileno($pw); "
                + "print \"fd $fd\\nprd $prd\\npwr $pwr\\n\"; "
                + "sub iov { my $s = ''; for my $b (@_) { $s .= pack('QQ', unpack('J', pack('p', $$b)), length($$b)); } $s } "
                + "my ($a, $b) = ('hello ', 'world'); my $w = iov(\\$a, \\$b); "
                + "for my $i (1.." + N + ") { "
                + sc("lseek", "$fd, 0, 0") + "; "
                + sc("writev", "$fd, $w, 2") + " == 11 or die 'writev'; "
                + sc("pwritev", "$fd, $w, 2, 20, 0") + " == 11 or die 'pwritev'; "
                + sc("lseek", "$fd, 0, 0") + "; "
                + "my ($x, $y) = (\"\\0\" x 4, \"\\0\" x 100); my $r = iov(\\$x, \\$y); "
                + sc("readv", "$fd, $r, 2") + " == 31 or die 'readv'; "
                + sc("preadv", "$fd, $r, 2, 20, 0") + " == 11 or die 'preadv'; "
                + sc("writev", "$pwr, $w, 2") + " == 11 or die 'writev pipe'; "
                + sc("readv", "$prd, $r, 2") + " == 11 or die 'readv pipe'; "
                + sc("readv", "-1, $r, 2") + " == -1 or die 'readv EBADF'; "
                + "} ";
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("iov.scap"), Workload.perl(p));
        List<String> lines = r.calls();
        Map<String, String> v = r.values();
        String file = v.get("fd") + "(<f>" + d + "/f)";
        String pr = v.get("prd") + "(<p>)";
        String pw = v.get("pwr") + "(<p>)";
        // the file after a writev at 0 and a pwritev at 20: "hello world", 9 NULs, "hello world"
        String nine = ".".repeat(9);
        List<String[]> pairs = new ArrayList<>();
        pairs.add(new String[] {"> writev fd=" + file + " size=11 ", "< writev res=11 data=hello world "});
        pairs.add(new String[] {"> pwritev fd=" + file + " size=11 pos=20 ", "< pwritev res=11 data=hello world "});
        pairs.add(new String[] {"> readv fd=" + file + " ", "< readv res=31 size=31 data=hello world" + nine + "hello world "});
        pairs.add(new String[] {"> preadv fd=" + file + " pos=20 ", "< preadv res=11 size=11 data=hello world "});
        pairs.add(new String[] {"> writev fd=" + pw + " size=11 ", "< writev res=11 data=hello world "});
        pairs.add(new String[] {"> readv fd=" + pr + " ", "< readv res=11 size=11 data=hello world "});
        pairs.add(new String[] {"> readv fd=-1(EPERM) ", "< readv res=-9(EBADF) size=104 data= "});
        WrittenCapture.assertPairs(lines, pairs, N);
    }

    /**
     * writev's size adds up every iovec up to the driver's limit (parse_readv_writev_bufs, libs e5c53d64: an array
     * under a page, 255 iovecs), not the first 64, and its data runs across the iovecs up to the snap length: 100 iovecs of 2 bytes are size=200; beyond that limit (300 of 1
     * byte) the first 255 are added up and the capture counts each such entry and exit as cut (the driver loses
     * the event whole), as it counts poll's with more than 1,024 pollfds.
     */
    @Test
    void longIovecListsAreSummedOrCounted(@TempDir Path dir) throws Exception {
        String d = WrittenCapture.realDirWith(dir, "f", "");
        String p = "$| = 1; open(my $f, '+<', '" + d + "/f') or die; my $fd = fileno($f); print \"fd $fd\\n\"; "
                + "sub iov { my $s = ''; for my $b (@_) { $s .= pack('QQ', unpack('J', pack('p', $$b)), length($$b)); } $s } "
                + "my ($two, $one) = ('ab', 'c'); my $w100 = iov((\\$two) x 100); my $w300 = iov((\\$one) x 300);  "
                // past the copy bound, empty iovecs, then 2 bytes: the probe's copy stops with none (counted as cut)
                + "my $none = ''; my $wgap = iov((\\$none) x " + CaptureProbe.IOV_COPY + ", \\$two); "
                // the snap length's bytes in the first IOV_COPY iovecs, then 1 more past the bound: cut by the snap
                // length, as any capture's data, not by the copy bound (not counted)
                + "my $wsnap = iov((\\$one) x " + LiveCapture.DEFAULT_SNAPLEN + ", (\\$none) x "
                + (CaptureProbe.IOV_COPY - LiveCapture.DEFAULT_SNAPLEN) + ", \\$one); "
                + "for my $i (1.." + N + ") { "
                + sc("writev", "$fd, $w100, 100") + " == 200 or die 'writev 100'; "
                + sc("writev", "$fd, $w300, 300") + " == 300 or die 'writev 300'; "
                + sc("writev", "$fd, $wgap, " + (CaptureProbe.IOV_COPY + 1)) + " == 2 or die 'writev gap'; "
                + sc("writev", "$fd, $wsnap, " + (CaptureProbe.IOV_COPY + 1)) + " == " + (LiveCapture.DEFAULT_SNAPLEN + 1)
                + " or die 'writev snap'; "
                // 1,100 pollfds of the (always readable) file: the probe keeps the first 1,024 and counts the list as cut
                + "my $pfds = pack('iss', $fd, 1, 0) x 1100; " + sc("poll", "$pfds, 1100, 0") + " == 1100 or die \"poll $!\"; "
                + "} ";
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("iovmany.scap"), Workload.perl(p));
        String file = r.values().get("fd") + "(<f>" + d + "/f)";
        List<String[]> pairs = new ArrayList<>();
        // the data: the buffers of as many iovecs as the snap length holds (80 bytes: 40 of the 2-byte ones), as the
        // driver copies them; before, the first 8 iovecs' only
        int snap = LiveCapture.DEFAULT_SNAPLEN;
        pairs.add(new String[] {"> writev fd=" + file + " size=200 ", "< writev res=200 data=" + "ab".repeat(snap / 2) + " "});
        pairs.add(new String[] {"> writev fd=" + file + " size=255 ", "< writev res=300 data=" + "c".repeat(snap) + " "});
        pairs.add(new String[] {"> writev fd=" + file + " size=" + (snap + 1) + " ",
            "< writev res=" + (snap + 1) + " data=" + "c".repeat(snap) + " "});
        WrittenCapture.assertPairs(r.calls(), pairs, N);
        assertEquals(5 * N, r.summary().truncatedLists(),
                "entries and exits of writev with 300 iovecs and poll with 1,100 fds, exits of writev past the copy bound, counted as cut");
    }

    /**
     * The verifier's work per program ({@code verified_insns}, what its log's "processed N insns" says) stays far
     * below the kernel's BPF_COMPLEXITY_LIMIT_INSNS (1,000,000, include/linux/bpf.h) at the largest snap length
     * (the bounds of the exit's unrolled iovec copies grow with it): {@link #VERIFIER_BUDGET} is about twice
     * the exit program's figure measured when it was set, so a change that doubles it fails here, long before
     * a kernel refuses it.
     */
    @Test
    void verifierWorkStaysWellBelowTheLimit() throws Exception {
        Filter f = Filter.compile("proc.pid=" + ProcessHandle.current().pid(), ServiceNames.none());
        PushDown.Split split = PushDown.split(f, SyscallTable.current(), EventTable.sysdig(), ContainerResolver.NONE);
        try (LiveCapture cap = LiveCapture.start(new LiveCapture.Options(HostPaths.DEFAULT, null, split.kernel(),
                CaptureProbe.BLOB_MAX, LiveCapture.DEFAULT_RING_BYTES, 0, null, false))) {
            Map<String, OptionalLong> insns = cap.probe().verifiedInsns();
            System.out.println("verified_insns per program: " + insns);
            assertTrue(insns.containsKey("trace_exit") && insns.containsKey("trace_enter"), insns.toString());
            Assumptions.assumeTrue(insns.get("trace_exit").isPresent(), "no verified_insns before Linux 5.16");
            for (Map.Entry<String, OptionalLong> e : insns.entrySet()) {
                long n = e.getValue().orElseThrow();
                assertTrue(n > 0 && n < VERIFIER_BUDGET, e.getKey() + " took " + n + " verifier steps: " + insns);
            }
        }
    }
}
