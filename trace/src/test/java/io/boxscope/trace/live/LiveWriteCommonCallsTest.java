package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frequent system calls that were generic events get the driver's own events (libs e5c53d64: IOCTL_3, LSEEK, KILL,
 * TKILL, TGKILL, MPROTECT, GETCWD, ACCESS): a perl child makes each {@link #N} times through syscall(2) with this
 * machine's numbers (access only where the architecture has it), and {@code sysdig -r} on our {@code trace -w} file
 * prints them under their own names with their arguments and results, as many as were made; our reader prints the
 * same lines.
 */
@KernelTest
class LiveWriteCommonCallsTest {
    private static final int N = 3;

    @Test
    void frequentCallsHaveTheirOwnEvents(@TempDir Path dir) throws Exception {
        String d = WrittenCapture.realDirWith(dir, "f", "0123456789");
        boolean access = WrittenCapture.nr("access") >= 0;
        StringBuilder body = new StringBuilder("$| = 1; chdir('").append(d).append("') or die; ")
                .append("open(my $f, '<', '").append(d).append("/f') or die; my $fd = fileno($f); my $p = $$ + 0; print \"fd $fd\\n\"; ")
                .append("for my $i (1..").append(N).append(") { ")
                // TCGETS on a pipe: ENOTTY
                .append("syscall(").append(WrittenCapture.nr("ioctl")).append(", 1, 0x5401, 0); ")
                .append("syscall(").append(WrittenCapture.nr("lseek")).append(", $fd, 4, 0) == 4 or die 'lseek'; ")
                .append("syscall(").append(WrittenCapture.nr("kill")).append(", $p, 0) == 0 or die 'kill'; ")
                .append("syscall(").append(WrittenCapture.nr("tkill")).append(", $p, 0) == 0 or die 'tkill'; ")
                .append("syscall(").append(WrittenCapture.nr("tgkill")).append(", $p, $p, 0) == 0 or die 'tgkill'; ")
                .append("syscall(").append(WrittenCapture.nr("mprotect")).append(", 0, 0, 1) == 0 or die 'mprotect'; ")
                .append("my $buf = \"\\0\" x 256; syscall(").append(WrittenCapture.nr("getcwd")).append(", $buf, 256) > 0 or die 'getcwd'; ");
        if (access) {
            body.append("syscall(").append(WrittenCapture.nr("access")).append(", my $path = '").append(d).append("/f', 4) == 0 or die 'access'; ");
        }
        body.append("} print \"pid $$\\n\"; ");
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("common.scap"), Workload.perl(body.toString()));
        List<String> lines = r.calls();
        long fd = -1;
        long pid = -1;
        for (String out : r.childOut().lines().toList()) {
            String[] f = out.split(" ");
            switch (f[0]) {
                case "fd" -> fd = Long.parseLong(f[1]);
                case "pid" -> pid = Long.parseLong(f[1]);
                default -> throw new AssertionError("the child printed " + out);
            }
        }
        // enter line -> the exit line that must follow it; each enter exactly N times
        List<String[]> pairs = new ArrayList<>();
        pairs.add(new String[] {"> ioctl fd=1(<p>) request=5401 argument=0 ", "< ioctl res=-25(ENOTTY) "});
        pairs.add(new String[] {"> lseek fd=" + fd + "(<f>" + d + "/f) offset=4 whence=0(SEEK_SET) ", "< lseek res=4 "});
        pairs.add(new String[] {"> kill pid=" + pid + "(perl) sig=0 ", "< kill res=0 "});
        pairs.add(new String[] {"> tkill tid=" + pid + "(perl) sig=0 ", "< tkill res=0 "});
        pairs.add(new String[] {"> tgkill pid=" + pid + "(perl) tid=" + pid + "(perl) sig=0 ", "< tgkill res=0 "});
        pairs.add(new String[] {"> mprotect addr=0 length=0 prot=1(PROT_READ) ", "< mprotect res=0 "});
        // getcwd returns the length with its NUL
        pairs.add(new String[] {"> getcwd ", "< getcwd res=" + (d.length() + 1) + " path=" + d + " "});
        if (access) {
            pairs.add(new String[] {"> access mode=4(R_OK) ", "< access res=0 name=" + d + "/f "});
        }
        WrittenCapture.assertPairs(lines, pairs, N);
    }
}
