package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Test support: perl children that wait for a line on standard input before they make their system calls, so
 * a capture or a chisel attached before {@link #release} sees every one of them.
 */
final class Workload {
    private Workload() {}

    /** {@code perl -e 'my $go = <STDIN>; BODY exit 0;'}. */
    static Process perl(String body) throws IOException {
        return new ProcessBuilder("perl", "-e", "my $go = <STDIN>; " + body + " exit 0;").start();
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
