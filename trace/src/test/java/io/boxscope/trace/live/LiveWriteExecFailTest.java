package io.boxscope.trace.live;

import static io.boxscope.trace.live.WrittenCapture.sc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a failed execve's (or execveat's) exit carries the call's own argv and envp, as the driver's exit reads
 * them from the call's arguments when it returned a negative value (libs driver/modern_bpf execve.bpf.c: exe is
 * argv[0], args argv[1..], env envp's strings). Before, the exit
 * took exe and args from the thread table (the caller's own command line, {@code exe=perl args=-e...}) and an empty
 * env. A perl child makes raw execve and execveat calls with argv and envp arrays of its
 * own on a missing file (ENOENT), on a file without an execute bit (EACCES), with a NULL argv and with 20 argv pointers (16 read); {@code sysdig -r} of
 * the file is the oracle, and our reader prints the same lines ({@link WrittenCapture#run}).
 */
@KernelTest
class LiveWriteExecFailTest {

    @Test
    void failedExecExitsCarryTheCallsArgvAndEnvp(@TempDir Path dir) throws Exception {
        check(dir, null);
    }

    /** The same under a failed-only push-down (the entry program then streams only exec entries, for their arrays). */
    @Test
    void failedExecExitsCarryTheCallsArgvAndEnvpUnderFailedOnly(@TempDir Path dir) throws Exception {
        check(dir, "evt.failed=true");
    }

    private static void check(Path dir, String extraFilter) throws Exception {
        String d = WrittenCapture.realDirWith(dir, "noexec", "#!/bin/sh\n");
        Files.setPosixFilePermissions(dir.resolve("noexec"), PosixFilePermissions.fromString("rw-r--r--"));
        String p = "sub arr { pack('p*', @_) . pack('Q', 0) } my ($missing, $noexec) = ('" + d + "/missing', '" + d + "/noexec'); "
                + "my @a1 = ('bxz0', 'x1', 'y 2'); my @e1 = ('BXA=one', 'BXB=two'); "
                + "my ($av1, $ev1) = (arr(@a1), arr(@e1)); "
                + sc("execve", "$missing, $av1, $ev1") + " == -1 && $!{ENOENT} or die 'execve missing'; "
                + "my @a2 = ('" + d + "/noexec', 'n1'); my @e2 = ('BXC=three'); "
                + "my ($av2, $ev2) = (arr(@a2), arr(@e2)); "
                + sc("execve", "$noexec, $av2, $ev2") + " == -1 && $!{EACCES} or die 'execve noexec'; "
                + "my @a3 = ('bxat', 'z'); my @e3 = ('BXD=four', 'BXE='); "
                + "my ($av3, $ev3) = (arr(@a3), arr(@e3)); "
                + sc("execveat", "-100, $missing, $av3, $ev3, 0") + " == -1 && $!{ENOENT} or die 'execveat'; "
                + sc("execve", "$missing, 0, 0") + " == -1 && $!{ENOENT} or die 'execve NULL'; "
                // 20 pointers: the driver reads 16 (MAX_CHARBUF_POINTERS)
                + "my @a5 = ('bxmany', map { \"a$_\" } 1..19); my $av5 = arr(@a5); "
                + sc("execve", "$missing, $av5, 0") + " == -1 && $!{ENOENT} or die 'execve many'; ";
        Process child = Workload.perl(p);
        String filter = "proc.pid=" + child.pid() + (extraFilter == null ? "" : " and " + extraFilter);
        WrittenCapture.Result r = WrittenCapture.run(dir.resolve("execfail.scap"), child, filter, extraFilter != null);
        List<String> exits = r.calls().stream().filter(l -> l.startsWith("< execve") || l.startsWith("< execveat")).toList();
        assertEquals(5, exits.size(), "failed exec exits: " + r.calls());
        expect(exits.get(0), "< execve res=-2(ENOENT) exe=bxz0 args=x1.y 2. ", " env=BXA=one.BXB=two. ");
        expect(exits.get(1), "< execve res=-13(EACCES) exe=" + d + "/noexec args=n1. ", " env=BXC=three. ");
        expect(exits.get(2), "< execveat res=-2(ENOENT) exe=bxat args=z. ", " env=BXD=four.BXE=. ");
        expect(exits.get(3), "< execve res=-2(ENOENT) exe= args= ", " env= ");
        StringBuilder fifteen = new StringBuilder();
        for (int i = 1; i <= 15; i++) {
            fifteen.append('a').append(i).append('.');
        }
        expect(exits.get(4), "< execve res=-2(ENOENT) exe=bxmany args=" + fifteen + " ", " env= ");
    }

    /**
     * The exit line begins with {@code head} and has {@code env} and the caller's comm (perl). Its fdlimit and memory
     * sizes are not checked: they are /proc's when the event is built, and this child is gone by then (docs/trace.md).
     */
    private static void expect(String line, String head, String env) {
        assertTrue(line.startsWith(head), "expected " + head + "...: " + line);
        assertTrue(line.contains(env), "expected" + env + "in " + line);
        assertTrue(line.contains(" comm=perl "), "the caller's comm in " + line);
    }
}
