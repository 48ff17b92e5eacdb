package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * A task names itself (prctl(PR_SET_NAME), or a write to /proc/self/comm, proc(5)): a comm with an escape
 * sequence and a newline is printed escaped by the per-task histograms too, as by the per-event tools
 * (opensnoop's COMM column): {@code runqlat -P} printed {@code pid = N ESC[31mev}, then a forged line {@code il},
 * escaping the ESC but keeping the newline (the view escaped its whole text line by line). Here a perl of the
 * test's own renames itself (perlvar: assigning {@code $0} on Linux also sets the comm, in one prctl; bash's
 * printf to /proc/self/comm writes twice, and the second write replaces the first) and then sleeps 10 ms at a
 * time (each wake-up is a run-queue latency of that process), and runqlat -P -p follows only that process.
 */
@KernelTest
class HostileCommHistTest {
    @Test
    void runqlatPerProcessEscapesTheComm() throws Exception {
        Path ready = Files.createTempFile("boxscope-hostile", ".ready");
        Process shell = new ProcessBuilder("perl", "-e", "$0 = \"\\e[31mev\\nil\"; open(my $f, '>', '" + ready
                + "'); print $f \"ok\\n\"; close($f); select(undef, undef, undef, 0.01) while 1;")
                .redirectErrorStream(true).start();
        try {
            for (int i = 0; i < 3000 && Files.size(ready) == 0; i++) {
                Thread.sleep(10);
            }
            String comm = Files.readString(Path.of("/proc/" + shell.pid() + "/comm"), StandardCharsets.UTF_8);
            assertEquals("\u001b[31mev\nil\n", comm, "perl did not rename itself: the test tests nothing");

            Cli r = Cli.run("runqlat", "-P", "-p", Long.toString(shell.pid()), "1", "1");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("\npid = " + shell.pid() + " \\x1b[31mev\\x0ail\n"), r.out());
            assertFalse(r.out().contains("\u001b"), "an ESC reached the terminal:\n" + r.out());
            assertFalse(r.out().lines().anyMatch("il"::equals), "the comm's newline forged a line:\n" + r.out());
        } finally {
            shell.destroy();
            shell.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(ready);
        }
    }
}
