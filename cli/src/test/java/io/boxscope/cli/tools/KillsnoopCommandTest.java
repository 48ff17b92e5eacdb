package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import io.boxscope.bpf.Errno;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * {@code boxscope killsnoop} is libbpf-tools' killsnoop: the same sigsnoop binary whose alias_parse()
 * (libbpf-tools/sigsnoop.c) turns on -k when it runs under the name killsnoop. So without -k it shows kill()
 * calls, with signal 0 and failed ones: the workload is a dash calling {@code kill -0} on itself and on a PID
 * above any pid_max (2^22 on 64-bit: ESRCH), which generates no signal at all (kill(2): "If sig is 0, then no
 * signal is sent"), so signal_generate never sees it and only the kill-call tracepoints can.
 * {@code boxscope sigsnoop} keeps sigsnoop's default (signal_generate) and sees none of them.
 */
@KernelTest
class KillsnoopCommandTest {
    static Process killZeroLoop() throws Exception {
        return new ProcessBuilder("/bin/dash", "-c", "while :; do kill -0 $$; kill -0 4194305 2>/dev/null; sleep 0.05; done")
                .redirectErrorStream(true).start();
    }

    @Test
    void killsnoopShowsKillCallsWithoutK() throws Exception {
        Process child = killZeroLoop();
        try {
            String pid = Long.toString(child.pid());
            Cli r = Cli.run("killsnoop", "-p", pid, "-d", "2");
            assertEquals(0, r.code(), r.err());
            List<String> lines = r.out().lines().toList();
            assertTrue(lines.getFirst().startsWith("TIME     PID     COMM"), r.out());
            List<String> events = lines.subList(1, lines.size());
            assertFalse(events.isEmpty(), "killsnoop without -k saw none of the dash's kill -0 calls: " + r.out());
            Set<String> seen = new TreeSet<>();
            for (String line : events) {
                String[] f = line.trim().split(" +");
                assertEquals(List.of(pid, "dash", "0"), List.of(f[1], f[2], f[3]), line);
                seen.add(f[4] + " " + f[5]);
            }
            assertEquals(Set.of(pid + " 0", "4194305 -" + Errno.parse("ESRCH").number()), seen, r.out());
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void sigsnoopTracesGeneratedSignalsUnlessK() throws Exception {
        Process child = killZeroLoop();
        try {
            String pid = Long.toString(child.pid());
            Cli generated = Cli.run("sigsnoop", "-p", pid, "-d", "2");
            assertEquals(0, generated.code(), generated.err());
            assertEquals(1, generated.out().lines().count(), "kill -0 generates no signal: " + generated.out());
            Cli kills = Cli.run("sigsnoop", "-k", "-p", pid, "-d", "2");
            assertEquals(0, kills.code(), kills.err());
            assertTrue(kills.out().lines().count() > 1, "sigsnoop -k saw no kill call: " + kills.out());
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * -s takes a list, as libbpf-tools' sigsnoop.c (strtok on "," into its target_signals mask): a dash sending
     * itself SIGUSR1, SIGUSR2 and SIGHUP (all trapped) traced with {@code -s USR1,12} shows 10 and 12, never 1.
     */
    @Test
    void signalTakesAListOfSignals() throws Exception {
        Process child = new ProcessBuilder("/bin/dash", "-c",
                "trap : USR1 USR2 HUP; while :; do kill -USR1 $$; kill -USR2 $$; kill -HUP $$; sleep 0.05; done")
                .redirectErrorStream(true).start();
        try {
            String pid = Long.toString(child.pid());
            for (String tool : List.of("killsnoop", "sigsnoop")) {
                Cli r = Cli.run(tool, "-p", pid, "-s", "USR1,12", "-d", "2");
                assertEquals(0, r.code(), r.err());
                Set<String> sigs = new TreeSet<>();
                r.out().lines().skip(1).forEach(line -> sigs.add(line.trim().split(" +")[3]));
                assertEquals(Set.of("10", "12"), sigs, tool + ": " + r.out());
            }
            Cli bad = Cli.run("killsnoop", "-s", "9,NOPE", "-d", "1");
            assertEquals(2, bad.code(), bad.err());
            assertTrue(bad.err().startsWith("boxscope: invalid signal: NOPE"), bad.err());
        } finally {
            child.destroyForcibly();
        }
    }
}
