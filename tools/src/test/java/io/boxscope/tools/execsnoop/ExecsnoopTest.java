package io.boxscope.tools.execsnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import io.boxscope.bpf.Errno;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.core.Harness;
import io.boxscope.tools.core.PeerTool;
import io.boxscope.tools.core.Schedule;
import io.boxscope.tools.core.ToolSession;
import io.boxscope.tools.core.ToolTarget;
import org.junit.jupiter.api.Test;

/**
 * execsnoop on the real kernel with a workload of known execs: N runs of /bin/echo with a token of
 * this run and known arguments, and execs of a file that does not exist (ENOENT). Only events whose
 * parent is this JVM and whose arguments carry the token are looked at (other processes exec
 * concurrently). Oracles: the workload itself and libbpf-tools' execsnoop on the same workload.
 */
@KernelTest
class ExecsnoopTest {
    static final int N = 5;
    static final int SELF = (int) ProcessHandle.current().pid();

    static String token() {
        return "boxscope-execsnoop-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
    }

    /** N echo runs with {@code token i "two words"}, and {@code failures} execs of a missing file. */
    static void workload(String token, int failures) throws Exception {
        for (int i = 0; i < N; i++) {
            Process p = new ProcessBuilder("/bin/echo", token, Integer.toString(i), "two words").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        }
        for (int i = 0; i < failures; i++) {
            try {
                new ProcessBuilder("/nonexistent-" + token).start().waitFor();
                throw new AssertionError("/nonexistent-" + token + " started");
            } catch (IOException expected) {
                // exec failed with ENOENT, as wanted
            }
        }
    }

    static List<ExecEvent> ours(List<ExecEvent> all, String token) {
        return all.stream().filter(e -> e.ppid() == SELF && String.join(" ", e.args()).contains(token)).toList();
    }

    @Test
    void seesEachExecWithItsArgumentsAndReturnCode() throws Exception {
        String token = token();
        Execsnoop tool = new Execsnoop(new Execsnoop.Options(true, null, Execsnoop.DEFAULT_MAX_ARGS, null, null));
        List<ExecEvent> events;
        try (Harness<ExecEvent> h = new Harness<>(tool, ToolTarget.ALL)) {
            h.awaitStarted();
            workload(token, 2);
            Thread.sleep(300);
            events = ours(h.stop(), token);
            assertEquals(ToolSession.End.STOPPED, h.end());
        }
        List<ExecEvent> ok = events.stream().filter(e -> e.ret() == 0).toList();
        assertEquals(N, ok.size(), events::toString);
        for (int i = 0; i < N; i++) {
            ExecEvent e = ok.get(i);
            assertEquals(List.of("/bin/echo", token, Integer.toString(i), "two words"), e.args());
            assertEquals("echo", e.comm());
            assertTrue(!e.truncated() && e.container() == null, e::toString);
        }
        List<ExecEvent> failed = events.stream().filter(e -> e.ret() != 0).toList();
        assertEquals(2, failed.size(), events::toString);
        for (ExecEvent e : failed) {
            assertEquals(-Errno.parse("ENOENT").number(), e.ret());
            assertEquals(List.of("/nonexistent-" + token), e.args());
        }
    }

    @Test
    void withoutFailsOnlySuccessfulExecsAndMaxArgsTruncates() throws Exception {
        String token = token();
        Execsnoop tool = new Execsnoop(new Execsnoop.Options(false, null, 3, null, null));
        List<ExecEvent> events;
        try (Harness<ExecEvent> h = new Harness<>(tool, ToolTarget.ALL)) {
            h.awaitStarted();
            workload(token, 2);
            Thread.sleep(300);
            events = ours(h.stop(), token);
        }
        assertEquals(N, events.size(), events::toString);
        for (int i = 0; i < N; i++) {
            // --max-args 3: the file name and argv[1..2]; argv[3] exists, so " ..."
            assertEquals(List.of("/bin/echo", token, Integer.toString(i)), events.get(i).args());
            assertTrue(events.get(i).truncated());
            assertEquals(0, events.get(i).ret());
        }
    }

    /**
     * The same workload seen by libbpf-tools' execsnoop -x (/usr/sbin/execsnoop) and by ours: the
     * same processes, parents, return codes and arguments, in the same order.
     */
    @Test
    void agreesWithLibbpfToolsExecsnoop() throws Exception {
        String token = token();
        List<ExecEvent> ours;
        List<String> theirs = new ArrayList<>();
        try (PeerTool peer = new PeerTool("PCOMM", "/usr/sbin/execsnoop", "-x")) {
            Execsnoop tool = new Execsnoop(new Execsnoop.Options(true, null, Execsnoop.DEFAULT_MAX_ARGS, null, null));
            try (Harness<ExecEvent> h = new Harness<>(tool, ToolTarget.ALL)) {
                h.awaitStarted();
                workload(token, 2);
                Thread.sleep(500);
                ours = ours(h.stop(), token);
            }
            peer.stop().stream().filter(l -> l.contains(token)).forEach(theirs::add);
        }
        List<String> mine = new ArrayList<>();
        for (ExecEvent e : ours) {
            // their line: "%-16s %-6d %-6d %3d " then each argument and a space
            mine.add(String.format("%-16s %-6d %-6d %3d %s ", e.comm(), e.pid(), e.ppid(), e.ret(), String.join(" ", e.args())));
        }
        List<String> theirsOurs = theirs.stream().filter(l -> l.split("\\s+")[2].equals(Integer.toString(SELF))).toList();
        assertEquals(N + 2, mine.size(), ours::toString);
        assertEquals(theirsOurs, mine);
    }

    /**
     * A process older than tracing that execs before execsnoop has seeded its parent from /proc (the seeding runs
     * after the header; CI's ExitsnoopTest lost this race by chance): here the exec runs, and the process ends and is
     * reaped, inside the header's callback, so it always wins. Its line has its real parent, this JVM, as
     * libbpf-tools' execsnoop prints it on the same workload (it reads task->real_parent->tgid).
     */
    @Test
    void parentOfAProcessOlderThanTracingAgreesWithLibbpfTools() throws Exception {
        String token = token();
        Process older = new ProcessBuilder("/bin/dash", "-c", "read go; exec /bin/echo " + token + " older")
                .redirectErrorStream(true).start();
        List<ExecEvent> events;
        List<String> theirs;
        try (PeerTool peer = new PeerTool("PCOMM", "/usr/sbin/execsnoop")) {
            Execsnoop tool = new Execsnoop(Execsnoop.Options.defaults());
            try (Harness<ExecEvent> h = new Harness<>(tool, ToolTarget.ALL, Schedule.UNTIL_STOPPED, () -> {
                try (OutputStream in = older.getOutputStream()) {
                    in.write("go\n".getBytes(StandardCharsets.US_ASCII));
                }
                assertTrue(older.waitFor(20, TimeUnit.SECONDS), "the older process did not exec and exit");
                older.getInputStream().readAllBytes();
            })) {
                h.awaitStarted();
                Thread.sleep(500);
                events = h.stop().stream().filter(e -> String.join(" ", e.args()).contains(token)).toList();
            }
            theirs = peer.stop().stream().filter(l -> l.contains(token)).toList();
        } finally {
            older.destroyForcibly();
        }
        assertEquals(1, events.size(), events::toString);
        ExecEvent e = events.get(0);
        assertEquals(List.of("/bin/echo", token, "older"), e.args());
        assertEquals(older.pid(), e.pid());
        assertEquals(SELF, e.ppid(), "the parent of a process older than tracing: " + e);
        assertEquals(theirs, List.of(String.format("%-16s %-6d %-6d %3d %s ", e.comm(), e.pid(), e.ppid(), e.ret(),
                String.join(" ", e.args()))));
    }

    /**
     * A process forked while tracing whose parent exits before it execs: libbpf-tools prints the parent at exec
     * (task->real_parent->tgid: the reaper by then), not the process that forked it.
     */
    @Test
    void parentOfAProcessReparentedBeforeItsExecAgreesWithLibbpfTools() throws Exception {
        String token = token();
        Path go = Files.createTempFile("boxscope-execsnoop", ".go");
        Files.delete(go);
        List<ExecEvent> events;
        List<String> theirs;
        try (PeerTool peer = new PeerTool("PCOMM", "/usr/sbin/execsnoop")) {
            Execsnoop tool = new Execsnoop(Execsnoop.Options.defaults());
            try (Harness<ExecEvent> h = new Harness<>(tool, ToolTarget.ALL)) {
                h.awaitStarted();
                // the inner dash waits for the file, so it execs only after the outer dash has exited
                Process outer = new ProcessBuilder("/bin/dash", "-c", "/bin/dash -c 'while [ ! -e " + go + " ]; do :; done; exec /bin/echo "
                        + token + " orphan' >/dev/null 2>&1 & exit 0").redirectErrorStream(true).start();
                assertTrue(outer.waitFor(20, TimeUnit.SECONDS), "the outer dash did not exit");
                outer.getInputStream().readAllBytes();
                Files.createFile(go);
                h.awaitEvent(e -> e.args().equals(List.of("/bin/echo", token, "orphan")));
                Thread.sleep(300);
                events = h.stop().stream().filter(e -> e.args().equals(List.of("/bin/echo", token, "orphan"))).toList();
                assertEquals(1, events.size(), events::toString);
                assertTrue(events.get(0).ppid() != outer.pid(), "the parent at exec, not at fork: " + events);
            }
            theirs = peer.stop().stream().filter(l -> l.startsWith("echo ") && l.contains(token)).toList();
        } finally {
            Files.deleteIfExists(go);
        }
        ExecEvent e = events.get(0);
        assertEquals(theirs, List.of(String.format("%-16s %-6d %-6d %3d %s ", e.comm(), e.pid(), e.ppid(), e.ret(),
                String.join(" ", e.args()))));
    }
}
