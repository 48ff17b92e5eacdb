package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Test support: perl children that wait for a line on standard input before they make their system calls, so
 * a capture or a chisel attached before {@link #release} sees every one of them -- and none of perl's start-up:
 * {@link #perl} returns once the child has started (its loader's failed probes of library directories, ENOENT
 * openats, are done), which on a loaded machine can be after the caller attached its programs.
 */
final class Workload {
    private Workload() {}

    /**
     * {@code perl -e 'print STDERR "ready\n"; my $go = <STDIN>; BODY exit 0;'}, returned once the child wrote its
     * ready line (its start-up system calls are behind it).
     */
    static Process perl(String body) throws IOException {
        return ready(new ProcessBuilder("perl", "-e", "print STDERR \"ready\\n\"; my $go = <STDIN>; " + body + " exit 0;")
                .start(), "perl");
    }

    /**
     * As {@link #perl}, a python3 child (for the calls perl has no function for: sendmsg, recvmsg): {@code body} is
     * python statements, one a line, run once the child read its line.
     */
    static Process python(String body) throws IOException {
        return ready(new ProcessBuilder("python3", "-c", "import os, sys\nos.write(2, b'ready\\n')\nsys.stdin.readline()\n" + body)
                .start(), "python3");
    }

    /** {@code p} once it wrote "ready\n" to its standard error; destroyed, and an IOException, if it wrote anything else. */
    private static Process ready(Process p, String what) throws IOException {
        byte[] ready = p.getErrorStream().readNBytes(6);
        if (!new String(ready, StandardCharsets.US_ASCII).equals("ready\n")) {
            p.destroyForcibly();
            throw new IOException("the " + what + " child did not start: " + new String(ready, StandardCharsets.UTF_8));
        }
        return p;
    }

    /** A child making {@code calls} getpid calls as fast as perl can: {@code syscall(getpid)}, getpid's number given. */
    static Process getpids(int getpid, int calls) throws IOException {
        return perl("syscall(" + getpid + ") for 1.." + calls + ";");
    }

    /** A child failing to open the missing path {@code missing} {@code opens} times. */
    static String failedOpens(int opens, String missing) {
        return "for (1.." + opens + ") { open(my $f, '<', '" + missing + "'); }";
    }

    /** Tells the child to go (a line, then the end of its input) and waits up to 60 s for it to exit. */
    static void release(Process child) throws Exception {
        try (OutputStream in = child.getOutputStream()) {
            in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the perl child did not finish");
    }
}
