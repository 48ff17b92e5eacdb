package io.boxscope.trace.live;

import static io.boxscope.trace.live.WrittenCapture.sc;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: an execve exit under {@code trace -w} carried the parent's exe and args when the new program was gone
 * before its exec record was read (the thread table asked /proc, too late). A perl child forks {@link #N} children
 * that exec a copy of /bin/true under a name of this test's own (its comm: {@code evt.type=execve} pushed down,
 * {@code proc.name} filtered in Java) with
 * the arguments {@code a b c<i>} and an open-files soft limit of {@link #NOFILE}; {@code sysdig -r} on the file prints
 * each execve exit with that exe and those args, a non-zero vm_size and that fdlimit, as the driver reads them from the new image (libs driver/ppm_fillers.c f_proc_startupdate), and our
 * reader prints the same lines.
 */
@KernelTest
class LiveWriteExecArgsTest {
    private static final int N = 5;
    /** The children's open-files soft limit, which each execve exit's fdlimit shows. */
    private static final int NOFILE = 777;

    @Test
    void execveExitHasTheNewImagesExeAndArgs(@TempDir Path dir) throws Exception {
        String name = "bxea" + ProcessHandle.current().pid() % 100000;
        Path prog = dir.toRealPath().resolve(name);
        Files.copy(Path.of("/bin/true"), prog, StandardCopyOption.COPY_ATTRIBUTES);
        String p = "for my $i (1.." + N + ") { my $c = fork; defined $c or die 'fork'; "
                // an open-files soft limit of its own (RLIMIT_NOFILE 7, through prlimit64 on this pid)
                + "if ($c == 0) { my $old = pack('QQ', 0, 0); " + sc("prlimit64", "0, 7, 0, $old") + " == 0 or die 'getrlimit'; "
                + "my ($cur, $max) = unpack('QQ', $old); " + sc("prlimit64", "0, 7, my $new = pack('QQ', " + NOFILE + ", $max), 0")
                + " == 0 or die 'setrlimit'; exec {'" + prog + "'} '" + prog + "', 'a', 'b', \"c$i\"; exit 127; } "
                + "waitpid($c, 0); $? == 0 or die 'child'; }";
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("exec.scap"), Workload.perl(p),
                "evt.type=execve and proc.name=" + name, true);
        List<String> exits = r.sysdig().stream().filter(l -> l.contains(" < execve ")).toList();
        assertEquals(N, exits.size(), "execve exits of " + name + ": " + r.sysdig());
        for (int i = 1; i <= N; i++) {
            String args = " < execve res=0 exe=" + prog + " args=a.b.c" + i + ". ";
            assertEquals(1, exits.stream().filter(l -> l.contains(args) && l.contains(" comm=" + name + " ")).count(),
                    "one execve exit with" + args + "in " + exits);
        }
        // the new image's size, read at the exec: /proc no longer has the process when the record is read (its rss
        // is the mm's percpu counters' folded count, as the driver's get_mm_counter reads it: often still 0 here)
        for (String l : exits) {
            assertEquals(false, l.contains(" vm_size=0 "), "memory size of " + l);
            // the task's RLIMIT_NOFILE read at the exec (before, /proc's when the event was built: 1024 once gone)
            assertEquals(true, l.contains(" fdlimit=" + NOFILE + " "), "fdlimit of " + l);
        }
    }
}
