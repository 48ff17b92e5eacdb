package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 (review of session 31): an exec of a thread the capture already described reaches the inspector when the
 * pushed-down syscall set leaves execve out, or only failed exits are pushed down. sinsp learns a new image only from
 * the execve exit (sinsp_parser::parse_execve_exit); before, the capture updated only its own thread table, so every
 * later event kept the old name, exe and args, {@code proc.name=NEW} dropped the new image's events, and {@code -w}
 * files named the old image. Now a state-only execve exit ({@link EventBuilder#stateExec}) is applied and written.
 * A perl child fails to open a missing file, execs perl again through a link named {@code bxperl} (comm
 * {@code bxperl}) and fails to open it again: the second open is bxperl's in our lines and in {@code sysdig -r} of
 * the file (the oracle; {@link WrittenCapture#run} checks our reader prints the same lines).
 */
@KernelTest
class LiveWriteExecStateTest {

    @Test
    void anExecOutsideTheSyscallSetNamesTheNewImage(@TempDir Path dir) throws Exception {
        Result r = run(dir, "evt.type=openat and evt.dir=<");
        assertEquals(List.of("perl", "bxperl"), r.names(), r.lines().toString());
    }

    @Test
    void anExecUnderAFailedOnlyPushDownNamesTheNewImage(@TempDir Path dir) throws Exception {
        Result r = run(dir, "evt.failed=true and evt.type=openat");
        assertEquals(List.of("perl", "bxperl"), r.names(), r.lines().toString());
    }

    /** A filter on the new name keeps the new image's events (it dropped them all before). */
    @Test
    void aFilterOnTheNewNameKeepsItsEvents(@TempDir Path dir) throws Exception {
        Result r = run(dir, "proc.name=bxperl and evt.type=openat and evt.dir=<");
        assertEquals(List.of("bxperl"), r.names(), r.lines().toString());
    }

    /**
     * A thread that is not the process's leader execs with execve pushed down (and execveat not): the kernel gives it
     * the leader's tid (fs/exec.c de_thread), so its exit comes as the leader's while its entry was the thread's. The
     * exit is the new image's only execve exit in the file: before, the exec record (the leader's tid, whose last
     * entry was no exec) also gave a state-only execve exit, two in the file for one exec.
     */
    @Test
    void aNonLeaderThreadsExecIsDescribedOnce(@TempDir Path dir) throws Exception {
        Process child = threadExec();
        Path file = dir.resolve("threadexec.scap");
        WrittenCapture.Result r = WrittenCapture.run(file, child, "evt.type=execve and proc.pid=" + child.pid(), true);
        List<String> exits = r.sysdig().stream().filter(l -> l.contains(" < execve ")).toList();
        assertEquals(1, exits.size(), r.sysdig().toString());
        assertTrue(exits.get(0).contains(" < execve res=0 exe=bxthrexec "), exits.get(0));
        assertEquals(1, execExits(file, child.pid()), "execve exits in the file, state-only ones too");
    }

    /**
     * The same exec outside the pushed-down set (openat only): one state-only execve exit describes the new image, and
     * the new image's opens are {@code true}'s in sysdig -r of the file.
     */
    @Test
    void aNonLeaderThreadsExecOutsideTheSetIsDescribedOnce(@TempDir Path dir) throws Exception {
        Process child = threadExec();
        Path file = dir.resolve("threadexec.scap");
        WrittenCapture.Result r = WrittenCapture.run(file, child, "evt.type=openat and evt.dir=< and proc.pid=" + child.pid(), true);
        String who = " (" + child.pid() + ") < openat";
        List<String> names = r.sysdig().stream().filter(l -> l.contains(who)).map(l -> l.substring(0, l.indexOf(who)))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).distinct().toList();
        assertEquals(List.of("true"), names, r.sysdig().toString());
        assertEquals(1, execExits(file, child.pid()), "execve exits in the file, state-only ones too");
    }

    /**
     * A python child whose second thread execs /bin/true as {@code bxthrexec} once told to go; returned once python
     * says it is ready, so that the capture lists python itself (python3 may be a launcher script that execs it).
     */
    private static Process threadExec() throws java.io.IOException {
        Process p = new ProcessBuilder("python3", "-c", "import os, sys, threading\nsys.stderr.write('ready\\n')\n"
                + "sys.stderr.flush()\nsys.stdin.readline()\n"
                + "t = threading.Thread(target=lambda: os.execv('/bin/true', ['bxthrexec']))\nt.start()\nt.join()\n").start();
        byte[] ready = p.getErrorStream().readNBytes(6);
        assertEquals("ready\n", new String(ready, java.nio.charset.StandardCharsets.US_ASCII), "the python child did not start");
        return p;
    }

    /** The execve exits of thread {@code tid} in {@code file}, state-only ones too. */
    private static long execExits(Path file, long tid) throws java.io.IOException {
        List<io.boxscope.trace.scap.ScapEvent> all = io.boxscope.trace.scap.ScapReader.readAll(file).events().stream()
                .filter(e -> e.tid() == tid).toList();
        System.out.println("execve exits of " + tid + ": " + all);
        return all.stream().filter(e -> e.info().map(i -> i.constant().equals("PPME_SYSCALL_EXECVE_19_X")).orElse(false)).count();
    }

    private record Result(List<String> lines, List<String> names) {}

    private static Result run(Path dir, String filter) throws Exception {
        String d = WrittenCapture.realDirWith(dir, "unused", "");
        Files.createSymbolicLink(dir.resolve("bxperl"), Path.of("/usr/bin/perl"));
        String missing = d + "/missing";
        Process child = Workload.perl("open(my $f, '<', '" + missing + "'); "
                + "exec {'" + d + "/bxperl'} 'bxperl', '-e', 'open(my $g, q(<), q(" + missing + ")); exit 0' or die 'exec'; ");
        Path file = dir.resolve("exec.scap");
        WrittenCapture.Result r = WrittenCapture.run(file, child,
                "proc.pid=" + child.pid() + " and evt.arg.name=" + missing + " and " + filter, true);
        List<String> calls = r.calls().stream().filter(l -> l.startsWith("< openat")).toList();
        String who = " (" + child.pid() + ") < openat";
        List<String> names = r.sysdig().stream().filter(l -> l.contains(who))
                .map(l -> l.substring(0, l.indexOf(who)))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertEquals(names.size(), calls.size(), r.sysdig().toString());
        for (String c : calls) {
            assertTrue(c.startsWith("< openat fd=-2(ENOENT) "), c);
        }
        // the new image's exe and args too, as sysdig -r reads them from the file
        List<String> exe = LiveCaptureTest.sysdig(file, "-p", "%proc.name %proc.exe %proc.args", "evt.type=openat");
        if (names.contains("bxperl")) {
            assertTrue(exe.contains("bxperl bxperl -e open(my $g, q(<), q(" + missing + ")); exit 0"), exe.toString());
        }
        return new Result(r.sysdig(), names);
    }
}
