package io.boxscope.tools.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import io.boxscope.bpf.Errno;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.core.Gate;
import io.boxscope.tools.core.Harness;
import io.boxscope.tools.core.PeerTool;
import io.boxscope.tools.core.ToolTarget;
import org.junit.jupiter.api.Test;

/**
 * opensnoop -p PID -x on a child dash whose opens are known: it waits in {@code read} until the tool
 * is attached (its start-up opens are done by then), then redirects a builtin from N missing files
 * (ENOENT), from a path below a regular file (ENOTDIR) and into a directory (EISDIR), and opens one
 * file that exists. Oracles: the script we wrote, errno numbers by name, and libbpf-tools' opensnoop.
 */
@KernelTest
class OpensnoopTest {
    static final int N = 4;

    static String token() {
        return "boxscope-opensnoop-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
    }

    static Process child(String token) throws Exception {
        String script = "read go; i=0; while [ $i -lt " + N + " ]; do true < /nonexistent-" + token + "-$i; i=$((i+1)); done; "
                + "true < /etc/hostname/" + token + "; true > /tmp/; true < /etc/hostname; exit 0";
        return new ProcessBuilder("/bin/dash", "-c", script).redirectErrorStream(true).start();
    }

    /** What the child's failed opens must be: path and errno, in order. */
    static List<String> expected(String token) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            out.add("/nonexistent-" + token + "-" + i + " " + Errno.parse("ENOENT").number());
        }
        out.add("/etc/hostname/" + token + " " + Errno.parse("ENOTDIR").number());
        out.add("/tmp/ " + Errno.parse("EISDIR").number());
        return out;
    }

    @Test
    void failedOpensOfOneProcessExactly() throws Exception {
        String token = token();
        Process child = child(token);
        int pid = (int) child.pid();
        List<OpenEvent> events;
        try (Harness<OpenEvent> h = new Harness<>(new Opensnoop(new Opensnoop.Options(null, null, true, null)),
                ToolTarget.resolve(HostPaths.DEFAULT, pid, null))) {
            h.awaitStarted();
            Gate.release(child);
            Thread.sleep(300);
            events = h.stop();
        } finally {
            child.destroyForcibly();
        }
        assertEquals(expected(token), events.stream().map(e -> e.path() + " " + e.errno()).toList(), events::toString);
        for (OpenEvent e : events) {
            assertEquals(pid, e.pid());
            assertEquals("dash", e.comm());
            assertEquals(-1, e.fd());
        }
    }

    /** Without -x the successful open is there too, with its descriptor, and flags as open(2) got them. */
    @Test
    void successfulOpensHaveTheirDescriptorAndFlags() throws Exception {
        String token = token();
        Process child = child(token);
        List<OpenEvent> events;
        try (Harness<OpenEvent> h = new Harness<>(new Opensnoop(Opensnoop.Options.defaults()),
                ToolTarget.resolve(HostPaths.DEFAULT, (int) child.pid(), null))) {
            h.awaitStarted();
            Gate.release(child);
            Thread.sleep(300);
            events = h.stop();
        } finally {
            child.destroyForcibly();
        }
        assertEquals(N + 3, events.size(), events::toString);
        OpenEvent ok = events.getLast();
        assertEquals("/etc/hostname", ok.path());
        assertTrue(ok.fd() >= 0 && ok.errno() == 0, ok::toString);
        assertEquals(List.of("O_RDONLY"), OpenFlags.names(ok.flags() & ~OpenFlags.bit("O_LARGEFILE")), ok::toString);
        OpenEvent dir = events.get(N + 1);
        assertTrue(OpenFlags.names(dir.flags()).containsAll(List.of("O_WRONLY", "O_CREAT", "O_TRUNC")), dir::toString);
        assertEquals(0666, dir.mode(), dir::toString);
    }

    /** The same child seen by libbpf-tools' opensnoop -x -p PID and by ours: the same lines. */
    @Test
    void agreesWithLibbpfToolsOpensnoop() throws Exception {
        String token = token();
        Process child = child(token);
        int pid = (int) child.pid();
        List<OpenEvent> ours;
        List<String> theirs;
        try (PeerTool peer = new PeerTool("PATH", "/usr/sbin/opensnoop", "-x", "-p", Integer.toString(pid))) {
            try (Harness<OpenEvent> h = new Harness<>(new Opensnoop(new Opensnoop.Options(null, null, true, null)),
                    ToolTarget.resolve(HostPaths.DEFAULT, pid, null))) {
                h.awaitStarted();
                Gate.release(child);
                Thread.sleep(500);
                ours = h.stop();
            }
            theirs = peer.stop().stream().filter(l -> l.contains(token) || l.endsWith("/tmp/")).toList();
        } finally {
            child.destroyForcibly();
        }
        List<String> mine = ours.stream().map(e -> String.format("%-6d %-16s %3d %3d %s", e.pid(), e.comm(), e.fd(), e.errno(), e.path()))
                .toList();
        assertEquals(N + 2, mine.size(), ours::toString);
        assertEquals(theirs, mine);
    }
}
