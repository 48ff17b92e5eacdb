package io.boxscope.tools.killsnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.Signals;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.core.Gate;
import io.boxscope.tools.core.Harness;
import io.boxscope.tools.core.PeerTool;
import io.boxscope.tools.core.ToolTarget;
import org.junit.jupiter.api.Test;

/**
 * killsnoop -p DASH on a child dash that sends SIGTERM to a sleep it started, calls kill -0 on itself three times
 * (no signal is generated: kill(2), "If sig is 0, then no signal is sent") and then kill -0 to a PID above any
 * pid_max (2^22 on 64-bit: ESRCH), then exits (the kernel sends its parent SIGCHLD). Oracles: the script, numbers
 * by name, libbpf-tools' killsnoop (sigsnoop run as killsnoop, which is -k: its alias_parse()).
 */
@KernelTest
class KillsnoopTest {
    static Process child() throws Exception {
        return new ProcessBuilder("/bin/dash", "-c", "read go; sleep 30 & kill -TERM $!; wait; kill -0 $$; kill -0 $$; kill -0 $$; kill -0 4194305; exit 0")
                .redirectErrorStream(true).start();
    }

    static List<KillEvent> run(Killsnoop.Options o, Process child) throws Exception {
        try (Harness<KillEvent> h = new Harness<>(new Killsnoop(o), ToolTarget.resolve(HostPaths.DEFAULT, (int) child.pid(), null))) {
            h.awaitStarted();
            Gate.release(child);
            Thread.sleep(300);
            return h.stop();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void generatedSignalsOfOneSender() throws Exception {
        Process child = child();
        List<KillEvent> events = run(new Killsnoop.Options(false, false, java.util.Set.of()), child);
        // SIGTERM to the sleep, then SIGCHLD to this JVM (the thread that started the dash) as the dash exits
        assertEquals(List.of(Signals.parse("TERM"), Signals.parse("CHLD")), events.stream().map(KillEvent::signal).toList(), events::toString);
        KillEvent e = events.getFirst();
        assertEquals(List.of((int) child.pid(), "dash", 0), List.of(e.pid(), e.comm(), e.result()));
        assertTrue(e.tpid() > 0, e::toString);
    }

    @Test
    void failedKillCallsOnly() throws Exception {
        Process child = child();
        List<KillEvent> events = run(new Killsnoop.Options(true, true, java.util.Set.of()), child);
        assertEquals(1, events.size(), events::toString);
        KillEvent e = events.getFirst();
        assertEquals(List.of(0, 4194305, -Errno.parse("ESRCH").number()), List.of(e.signal(), e.tpid(), e.result()));
    }

    @Test
    void agreesWithLibbpfToolsKillsnoop() throws Exception {
        Process child = child();
        String pid = Long.toString(child.pid());
        List<KillEvent> ours;
        List<String> theirs;
        // no -k: /usr/sbin/killsnoop is a link to sigsnoop, which turns -k on by its name
        try (PeerTool peer = new PeerTool("TPID", "/usr/sbin/killsnoop", "-p", pid)) {
            ours = run(new Killsnoop.Options(true, false, java.util.Set.of()), child);
            theirs = peer.stop().stream().filter(l -> l.contains(" " + pid + " ")).map(l -> l.substring(9).stripTrailing()).toList();
        }
        List<String> mine = ours.stream().map(e -> String.format("%-7d %-16s %-9s %-7d %-6d", e.pid(), e.comm(), e.signal(), e.tpid(),
                e.result()).stripTrailing()).toList();
        // kill -TERM, three kill -0 on itself (result 0), kill -0 4194305 (-ESRCH): 5 calls, 5 lines
        assertEquals(5, mine.size(), ours::toString);
        assertEquals(List.of(Signals.parse("TERM"), 0, 0, 0, 0), ours.stream().map(KillEvent::signal).toList(), ours::toString);
        assertEquals(List.of((int) child.pid(), (int) child.pid(), (int) child.pid()), ours.subList(1, 4).stream().map(KillEvent::tpid).toList());
        assertEquals(theirs, mine);
    }
}
