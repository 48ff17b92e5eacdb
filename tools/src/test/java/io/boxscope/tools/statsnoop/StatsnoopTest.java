package io.boxscope.tools.statsnoop;

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
 * statsnoop -p PID on a child dash whose stats are known: it waits in {@code read} until the tool
 * is attached, then tests one file that exists, N missing paths (ENOENT) and a path below a regular
 * file (ENOTDIR) with the {@code [ -e ]} builtin (stat(2), fstatat(2) in glibc since 2.33). Oracles: the workload and
 * errno numbers by name. (The installed libbpf-tools statsnoop 0.26 prints no event on this
 * machine's kernel, so it is no oracle here.)
 */
@KernelTest
class StatsnoopTest {
    static final int N = 5;

    static String token() {
        return "boxscope-statsnoop-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
    }

    static Process child(String token) throws Exception {
        String script = "read go; [ -e /etc/hostname ]; i=0; while [ $i -lt " + N + " ]; do [ -e /nonexistent-" + token
                + "-$i ]; i=$((i+1)); done; [ -e /etc/hostname/" + token + " ]; exit 0";
        return new ProcessBuilder("/bin/dash", "-c", script).redirectErrorStream(true).start();
    }

    static List<StatEvent> trace(boolean failed) throws Exception {
        String token = token();
        Process child = child(token);
        List<StatEvent> events;
        try (Harness<StatEvent> h = new Harness<>(new Statsnoop(new Statsnoop.Options(failed)),
                ToolTarget.resolve(HostPaths.DEFAULT, (int) child.pid(), null))) {
            h.awaitStarted();
            Gate.release(child);
            Thread.sleep(300);
            events = h.stop();
        } finally {
            child.destroyForcibly();
        }
        List<String> expected = new ArrayList<>();
        if (!failed) {
            expected.add("/etc/hostname 0 0");
        }
        for (int i = 0; i < N; i++) {
            expected.add("/nonexistent-" + token + "-" + i + " -1 " + Errno.parse("ENOENT").number());
        }
        expected.add("/etc/hostname/" + token + " -1 " + Errno.parse("ENOTDIR").number());
        assertEquals(expected, events.stream().map(e -> e.path() + " " + e.fd() + " " + e.errno()).toList(), events::toString);
        for (StatEvent e : events) {
            assertEquals((int) child.pid(), e.pid());
            assertEquals("dash", e.comm());
            // glibc's stat() is fstatat() since 2.33 (newfstatat), stat() before (newstat), statx() on some ports
            assertTrue(List.of("newfstatat", "newstat", "statx").contains(Statsnoop.syscallName(e.syscall())), e::toString);
        }
        return events;
    }

    @Test
    void everyStatOfOneProcessWithItsResult() throws Exception {
        trace(false);
    }

    @Test
    void failedOnlyWithX() throws Exception {
        List<StatEvent> events = trace(true);
        assertEquals(N + 1, events.size());
    }

    /**
     * The same statfs() calls seen by bpftrace's statsnoop.bt (its peer: the installed libbpf-tools
     * statsnoop prints nothing on this kernel, and statsnoop.bt does not trace fstatat, so the
     * workload is python's os.statvfs, a statfs(2) each): the same pid, comm, errno and path.
     */
    @Test
    void agreesWithBpftraceStatsnoop() throws Exception {
        String token = token();
        // python stats dozens of files while it starts (site, .pth files): it says "ready" once it has started, and
        // the tool is attached after that, so that only the statvfs() calls below are traced
        String script = "import os, sys\nprint('ready', flush=True)\nsys.stdin.readline()\nfor p in ['/'] + ['/nonexistent-" + token
                + "-%d' % i for i in range(" + N + ")]:\n    try:\n        os.statvfs(p)\n    except OSError:\n        pass\n";
        Process child = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
        int pid = (int) child.pid();
        String first = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
                .readLine();
        assertEquals("ready", first, "python did not start");
        List<StatEvent> ours;
        List<String> theirs;
        try (PeerTool peer = new PeerTool("PATH", "bpftrace", "/usr/sbin/statsnoop.bt")) {
            try (Harness<StatEvent> h = new Harness<>(new Statsnoop(new Statsnoop.Options(false)), ToolTarget.resolve(HostPaths.DEFAULT, pid, null))) {
                h.awaitStarted();
                Gate.release(child);
                Thread.sleep(500);
                ours = h.stop();
            }
            theirs = peer.stop().stream().filter(l -> l.startsWith(pid + " ")).map(String::strip).toList();
        } finally {
            child.destroyForcibly();
        }
        List<String> mine = ours.stream().map(e -> String.format("%-6d %-16s %3d %s", e.pid(), e.comm(), e.errno(), e.path()).strip()).toList();
        assertEquals(N + 1, mine.size(), ours::toString);
        assertTrue(ours.stream().allMatch(e -> Statsnoop.syscallName(e.syscall()).equals("statfs")), ours::toString);
        assertEquals(theirs, mine);
    }
}
