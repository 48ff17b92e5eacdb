package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: what {@code trace -w} writes for a process's session, group, terminal and login uid, read back by the
 * installed sysdig 0.29. {@code script} gives a shell a terminal and a session of its own; a second shell under it
 * (so not the session's leader: its session id is not its pid) is in the capture's process list, sets its login
 * uid and execs a copy of cat that prints its own /proc/self/stat and loginuid. sysdig's proc.sid (from the
 * process list), proc.tty, proc.vpgid and user.loginuid (from the execve exit) must be what the kernel showed cat;
 * the writer used to put the pid as sid and group and 0 as terminal.
 */
@KernelTest
class TraceSessionLiveTest {
    @TempDir
    Path dir;

    @Test
    void sessionTerminalGroupAndLoginUidAreTheKernels() throws Exception {
        Path cat = Files.copy(Path.of("/bin/cat"), dir.resolve("sesscat"));
        Path go = dir.resolve("go");
        Path out = dir.resolve("out");
        // cat ends reading a FIFO the test opens after the capture: the capture reads /proc at the exec while cat lives
        Path hold = dir.resolve("hold");
        assertEquals(0, new ProcessBuilder("mkfifo", hold.toString()).start().waitFor());
        String inner = "until [ -e " + go + " ]; do sleep 0.02; done; echo 1000 > /proc/self/loginuid; exec " + cat
                + " /proc/self/stat /proc/self/loginuid " + hold + " > " + out;
        // "; true" keeps the outer shell from exec'ing the inner one: the inner shell is not the session leader
        Process child = new ProcessBuilder("script", "-qc", "sh -c '" + inner + "'; true", "/dev/null").start();
        try {
            Path file = dir.resolve("cap.scap");
            AtomicReference<Cli> result = new AtomicReference<>();
            Thread t = new Thread(() -> result.set(Cli.run("trace", "-M", "12", "-w", file.toString(), "proc.name=sesscat")));
            t.start();
            TraceLiveCommandTest.awaitAttached();
            Files.createFile(go);
            t.join(60_000);
            assertEquals(0, result.get().code(), result.get().err());
            Files.write(hold, new byte[0]);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            String[] printed = Files.readString(out, StandardCharsets.UTF_8).split("\n", 2);
            String stat = printed[0];
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long pid = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
            // proc(5): pgrp is field 5, session 6, tty_nr 7 (f[0] is field 3)
            String expected = pid + " " + f[3] + " " + f[4] + " " + f[2] + " " + printed[1].strip();
            assertTrue(Long.parseLong(f[3]) != pid && Integer.parseInt(f[4]) != 0, "a session led by another, a terminal: " + stat);
            String fmt = "%proc.pid %proc.sid %proc.tty %proc.vpgid %user.loginuid";
            List<String> sysdig = TraceReadFilterTest.sysdigRead(file, List.of("-p", fmt, "evt.type=execve and evt.dir=<"))
                    .lines().toList();
            assertEquals(List.of(expected), sysdig, stat);
            TraceReadFilterTest.assertSameAsSysdig(file, List.of(List.of("-p", "*%evt.num %evt.type " + fmt + " %proc.sname %user.loginname"),
                    List.of("-p", fmt, "proc.tty=" + f[4] + " and proc.sid=" + f[3])));
        } finally {
            child.destroyForcibly();
        }
    }
}
