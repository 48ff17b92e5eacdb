package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: an execve exit under {@code trace -w} carried the cwd of the thread table (/proc when the exec record
 * was read, or the parent's for a process gone by then) and an empty env. A perl child execs a chain of {@link #N}
 * steps in its own pid: each changes to a directory of its own, sets an environment of one variable and execs the
 * next, the last a copy of /bin/true (gone long before its records are read, as {@code sh -c 'cd /tmp && exec
 * /bin/true'}; the others have moved on); {@code sysdig -r}
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
        Path real = dir.toRealPath();
        Path prog = trueNamed(real, "bxep");
        String name = prog.getFileName().toString();
        for (int i = 1; i <= N; i++) {
            Files.createDirectories(real.resolve("w" + i).resolve("deeper"));
        }
        // one process, its pid pushed down: each step changes directory and environment, then execs the next step
        // (perl again, the last time the copy of /bin/true, which exits at once)
        Path chain = real.resolve("chain.pl");
        Files.writeString(chain, "my $i = shift; chdir(\"" + real + "/w$i/deeper\") or die 'chdir'; %ENV = (BXEV => \"v$i\"); "
                + "if ($i < " + N + ") { exec {'/usr/bin/perl'} 'perl', '" + chain + "', $i + 1; } "
                + "else { exec {'" + prog + "'} '" + prog + "'; } exit 127;\n");
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("exec.scap"),
                Workload.perl("exec {'/usr/bin/perl'} 'perl', '" + chain + "', 1; exit 127;"));
        List<String> exits = r.sysdig().stream().filter(l -> l.contains(" < execve res=0 ")).toList();
        assertEquals(N + 1, exits.size(), "execve exits: " + r.sysdig());
        for (int i = 1; i <= N; i++) {
            // the directory the step chose, as the kernel names it (readlink /proc/self/cwd of a process there)
            String cwd = " cwd=" + real.resolve("w" + i).resolve("deeper") + " ";
            String env = " env=BXEV=v" + i + ". ";
            String line = exits.get(i);
            assertEquals(true, line.contains(cwd) && line.contains(env), "execve exit " + (i + 1) + " with" + cwd + "and" + env + ": " + line);
        }
        assertEquals(true, exits.get(N).contains(" exe=" + prog + " "), "the last exec's exe: " + exits.get(N));
    }

    /**
     * The execve exit's flags: PPM_EXE_WRITABLE when the exec'd file is writable by the process (the driver's
     * file_permission(MAY_WRITE) or inode_owner_or_capable; {@link ExeAccess}), written 0 before. A perl child runs
     * three children: root execs a root-owned copy of /bin/true (writable: root has CAP_FOWNER), and a child that
     * became nobody (65534, its capabilities gone with setuid) execs the same root-owned 0755 file (not writable) and
     * a copy owned by nobody (writable: its owner).
     */
    @Test
    void execveExitSaysWhetherTheExeIsWritable(@TempDir Path dir) throws Exception {
        String name = "bxew" + ProcessHandle.current().pid() % 100000;
        Path real = dir.toRealPath();
        Files.setPosixFilePermissions(real, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path rootOwned = real.resolve("r").resolve(name);
        Path nobodyOwned = real.resolve("n").resolve(name);
        for (Path p : List.of(rootOwned, nobodyOwned)) {
            Files.createDirectories(p.getParent());
            Files.setPosixFilePermissions(p.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.copy(Path.of("/bin/true"), p, StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        var nobody = real.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("65534");
        Files.setOwner(nobodyOwned, nobody);
        String p = "require POSIX; my @runs = (['" + rootOwned + "', 0], ['" + rootOwned + "', 1], ['" + nobodyOwned + "', 1]); "
                + "for my $i (0..2) { my ($exe, $drop) = @{$runs[$i]}; my $c = fork; defined $c or die 'fork'; "
                + "if ($c == 0) { if ($drop) { POSIX::setgid(65534) or die 'setgid'; POSIX::setuid(65534) or die 'setuid'; } "
                + "exec {$exe} $exe, \"run$i\"; exit 127; } "
                + "waitpid($c, 0); $? == 0 or die 'child'; }";
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("exec.scap"), Workload.perl(p),
                "evt.type=execve and proc.name=" + name, true);
        List<String> exits = r.sysdig().stream().filter(l -> l.contains(" < execve ")).toList();
        assertEquals(3, exits.size(), "execve exits of " + name + ": " + r.sysdig());
        String[] flags = {" flags=1(EXE_WRITABLE)", " flags=0", " flags=1(EXE_WRITABLE)"};
        for (int i = 0; i < 3; i++) {
            String run = " args=run" + i + ". ";
            String flag = flags[i];
            assertEquals(1, exits.stream().filter(l -> l.contains(run) && (l + " ").contains(flag + " ")).count(),
                    "one execve exit with" + run + "and" + flag + " in " + exits);
        }
    }

    /**
     * The group class of the exe's mode counts for a group the caller has only as a supplementary group, as the
     * kernel's in_group_p decides it (kernel/groups.c: the fsgid, else a search of {@code cred->group_info}) and the
     * driver's check with it: a root-owned file of group 4242 with mode 0775 is writable by nobody (uid and fsgid
     * 65534) holding 4242 among its supplementary groups (alone, among a few, among 2,000: the search's deeper
     * steps) and not without it. Before, only the fsgid was compared and every run below said {@code flags=0}.
     */
    @Test
    void execveExitCountsSupplementaryGroupsForExeWritable(@TempDir Path dir) throws Exception {
        String name = "bxsg" + ProcessHandle.current().pid() % 100000;
        Path real = dir.toRealPath();
        Files.setPosixFilePermissions(real, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path exe = real.resolve(name);
        Files.copy(Path.of("/bin/true"), exe, StandardCopyOption.COPY_ATTRIBUTES);
        Files.setPosixFilePermissions(exe, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
        Files.setAttribute(exe, "unix:gid", 4242);
        // egid 65534, then the supplementary groups (perl passes the rest of $) to setgroups), then uid 65534
        String[] groups = {"65534", "65534 4242", "65534 100 200 4242 5000 6000 7000", "65534 100 200 5000 6000 7000",
            "65534 ' . join(' ', 3000..4999) . '", "65534 ' . join(' ', grep { $_ != 4242 } 3000..4999) . '"};
        StringBuilder p = new StringBuilder("require POSIX; my @g = (");
        for (String g : groups) {
            p.append("'").append(g).append("', ");
        }
        p.append("); for my $i (0..$#g) { my $c = fork; defined $c or die 'fork'; if ($c == 0) { $! = 0; $) = $g[$i]; "
                + "$! and die \"setgroups $!\"; POSIX::setuid(65534) or die 'setuid'; exec {'" + exe + "'} '" + exe
                + "', \"run$i\"; exit 127; } waitpid($c, 0); $? == 0 or die 'child'; }");
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("groups.scap"), Workload.perl(p.toString()),
                "evt.type=execve and proc.name=" + name, true);
        List<String> exits = r.sysdig().stream().filter(l -> l.contains(" < execve ")).toList();
        assertEquals(groups.length, exits.size(), "execve exits of " + name + ": " + r.sysdig());
        String[] flags = {" flags=0", " flags=1(EXE_WRITABLE)", " flags=1(EXE_WRITABLE)", " flags=0",
            " flags=1(EXE_WRITABLE)", " flags=0"};
        for (int i = 0; i < groups.length; i++) {
            String run = " args=run" + i + ". ";
            String flag = flags[i];
            assertEquals(1, exits.stream().filter(l -> l.contains(run) && (l + " ").contains(flag + " ")).count(),
                    "one execve exit with" + run + "and" + flag + " in " + exits);
        }
    }

    /**
     * A cwd and an argument that are not UTF-8 (the byte 0xff) and hold an escape sequence keep their bytes in the
     * written execve exit, as the driver copies them (its cwd from the task, its args from the new stack): the walk's
     * names ({@link PathWalk#path}) and the argv area went through a UTF-8 decoding that made 0xff U+FFFD's three bytes
     * before. {@code sysdig -r} reads the file, and our reader prints the same lines ({@link WrittenCapture#run}).
     */
    @Test
    void execveExitKeepsTheBytesOfACwdAndArgsThatAreNotUtf8(@TempDir Path dir) throws Exception {
        Path real = dir.toRealPath();
        Path prog = trueNamed(real, "bxeb");
        String name = prog.getFileName().toString();
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("raw.scap"), Workload.perl(
                "my $d = '" + real + "/c' . \"\\xff\\e[31m\"; mkdir($d) or die 'mkdir'; chdir($d) or die 'chdir'; "
                        + "exec {'" + prog + "'} '" + prog + "', \"a\\xffb\\e[0m\"; exit 127;"));
        byte[] cwd = raw(real + "/c", 0xff, 0x1b, '[', '3', '1', 'm', 0);
        byte[] args = raw("a", 0xff, 'b', 0x1b, '[', '0', 'm', 0);
        int execveX = io.boxscope.trace.scap.EventTable.get().byConstant("PPME_SYSCALL_EXECVE_19_X").id();
        int exits = 0;
        try (io.boxscope.trace.scap.ScapReader in = io.boxscope.trace.scap.ScapReader.open(dir.resolve("raw.scap"))) {
            for (io.boxscope.trace.scap.ScapEvent e = in.nextOrNull(); e != null; e = in.nextOrNull()) {
                if (e.tid() != r.pid() || e.type() != execveX || !java.util.Arrays.equals(raw(prog.toString(), 0), e.raw(1))) {
                    continue;
                }
                exits++;
                assertArrayEquals(args, e.raw(2), "args in the file");
                assertArrayEquals(cwd, e.raw(6), "cwd in the file");
            }
        }
        assertEquals(1, exits, "execve exits of " + prog + " by " + r.pid() + ": " + r.sysdig());
        String line = r.sysdig().stream().filter(l -> l.contains(" < execve res=0 ") && l.contains(name)).findFirst().orElseThrow();
        // sysdig prints a CHARBUF's bytes as they are (the 0xff, the escape sequence): the same bytes either way once
        // decoded here, so the check that matters is the file's bytes above
        assertTrue(line.contains(" cwd=" + real + "/c") && line.contains(" args=a.b"), "sysdig -r read the exit: " + line);
    }

    /** {@code prefix}'s UTF-8 bytes then {@code tail}'s values as bytes. */
    private static byte[] raw(String prefix, int... tail) {
        byte[] p = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(p, p.length + tail.length);
        for (int i = 0; i < tail.length; i++) {
            out[p.length + i] = (byte) tail[i];
        }
        return out;
    }

    /** A copy of /bin/true in {@code dir} under a name of this test's own (its comm: the prefix and this JVM's pid). */
    private static Path trueNamed(Path dir, String prefix) throws java.io.IOException {
        Path prog = dir.resolve(prefix + ProcessHandle.current().pid() % 100000);
        Files.copy(Path.of("/bin/true"), prog, StandardCopyOption.COPY_ATTRIBUTES);
        return prog;
    }

}
