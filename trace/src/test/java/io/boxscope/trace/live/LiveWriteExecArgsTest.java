package io.boxscope.trace.live;

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
 * the arguments {@code a b c<i>}; {@code sysdig -r} on the file prints each execve exit with that exe and those
 * args and a non-zero vm_size, as the driver reads them from the new image (libs driver/ppm_fillers.c f_proc_startupdate), and our
 * reader prints the same lines.
 */
@KernelTest
class LiveWriteExecArgsTest {
    private static final int N = 5;

    @Test
    void execveExitHasTheNewImagesExeAndArgs(@TempDir Path dir) throws Exception {
        String name = "bxea" + ProcessHandle.current().pid() % 100000;
        Path prog = dir.toRealPath().resolve(name);
        Files.copy(Path.of("/bin/true"), prog, StandardCopyOption.COPY_ATTRIBUTES);
        String p = "for my $i (1.." + N + ") { my $c = fork; defined $c or die 'fork'; "
                + "if ($c == 0) { exec {'" + prog + "'} '" + prog + "', 'a', 'b', \"c$i\"; exit 127; } "
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
        }
    }
}
