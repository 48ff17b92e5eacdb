package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * A process that exits while the capture starts, after the programs are attached and before /proc is
 * read, still has its name: the perl child below waits until this JVM holds a sys_enter link (the attach),
 * then makes {@link #GETPIDS} getpid calls and exits at once, while the capture is still reading /proc.
 * Its events passed the kernel (proc.pid) but, before the fix, the thread table had no entry for it (not
 * in the scan, which came after its exit; no fork record, it forked before the attach), so proc.name was
 * absent and {@code proc.name!=foo} matched none of them.
 */
@KernelTest
class LiveStartRaceTest {
    private static final int GETPIDS = 50;

    @Test
    void aProcessThatExitsDuringTheStartKeepsItsName() throws Exception {
        int getpid = LiveCaptureTest.getpidNumber();
        long self = ProcessHandle.current().pid();
        String script = "my $attached = 0; until ($attached) { for my $f (glob('/proc/" + self + "/fdinfo/*')) { "
                + "open(my $h, '<', $f) or next; local $/; my $t = <$h>; $attached = 1 if $t =~ /tp_name:\\tsys_enter/; } "
                + "select(undef, undef, undef, 0.002) unless $attached; } "
                + "syscall(" + getpid + ") for 1.." + GETPIDS + "; exit 0;";
        Process child = new ProcessBuilder("perl", "-e", script).start();
        try (LiveCapture cap = LiveCaptureTest.start("proc.name!=foo and evt.type=getpid and proc.pid=" + child.pid())) {
            LiveCaptureTest.Running r = new LiveCaptureTest.Running(cap);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the perl child did not finish");
            assertEquals(0, child.exitValue(), new String(child.getErrorStream().readAllBytes()));
            r.stop();
            List<String> lines = List.copyOf(r.lines);
            assertEquals(2 * GETPIDS, lines.size(), cap.summary() + "\n" + String.join("\n", lines));
            for (String l : lines) {
                assertTrue(l.contains(" perl (" + child.pid() + ") "), l);
            }
        } finally {
            child.destroyForcibly();
        }
    }
}
