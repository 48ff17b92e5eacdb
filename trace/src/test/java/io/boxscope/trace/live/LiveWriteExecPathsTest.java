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
 * Issue 13: an execve exit under {@code trace -w} carried the cwd of the thread table (/proc when the exec record
 * was read, or the parent's for a process gone by then) and an empty env. A perl child forks {@link #N} children
 * that each change to a directory of their own, set an environment of one variable and exec a copy of /bin/true (so
 * each is gone long before its records are read, as {@code sh -c 'cd /tmp && exec /bin/true'}); {@code sysdig -r}
 * on the file prints each execve exit with that directory as {@code cwd} and that variable as {@code env}, as the
 * driver reads them from the task at the exec (libs e5c53d64 driver/ppm_fillers.c f_proc_startupdate: {@code env}
 * from {@code mm->env_start..env_end}; the cwd by a walk of {@code fs->pwd}, {@link PathWalk}), and our reader
 * prints the same lines.
 */
@KernelTest
class LiveWriteExecPathsTest {
    private static final int N = 5;

    @Test
    void execveExitHasTheNewImagesCwdAndEnv(@TempDir Path dir) throws Exception {
        String name = "bxep" + ProcessHandle.current().pid() % 100000;
        Path real = dir.toRealPath();
        Path prog = real.resolve(name);
        Files.copy(Path.of("/bin/true"), prog, StandardCopyOption.COPY_ATTRIBUTES);
        for (int i = 1; i <= N; i++) {
            Files.createDirectories(real.resolve("w" + i).resolve("deeper"));
        }
        String p = "for my $i (1.." + N + ") { my $c = fork; defined $c or die 'fork'; "
                + "if ($c == 0) { chdir('" + real + "/w' . $i . '/deeper') or die 'chdir'; %ENV = (BXEV => \"v$i\"); "
                + "exec {'" + prog + "'} '" + prog + "'; exit 127; } "
                + "waitpid($c, 0); $? == 0 or die 'child'; }";
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("exec.scap"), Workload.perl(p),
                "evt.type=execve and proc.name=" + name, true);
        List<String> exits = r.sysdig().stream().filter(l -> l.contains(" < execve ")).toList();
        assertEquals(N, exits.size(), "execve exits of " + name + ": " + r.sysdig());
        for (int i = 1; i <= N; i++) {
            // the directory the child chose, as the kernel names it (readlink /proc/self/cwd of a process there)
            String cwd = " cwd=" + real.resolve("w" + i).resolve("deeper") + " ";
            String env = " env=BXEV=v" + i + ". ";
            assertEquals(1, exits.stream().filter(l -> l.contains(cwd) && l.contains(env)).count(),
                    "one execve exit with" + cwd + "and" + env + "in " + exits);
        }
    }
}
