package io.boxscope.proc.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.boxscope.proc.HostPaths;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A process's session, group and terminal as TaskSession reads them from /proc/PID/stat and status (proc(5)), for
 * trace's process list and execve exits (issue 13): against ps(1) for this JVM, and on stat lines whose comm holds
 * ") " and digits.
 */
class TaskSessionTest {
    @Test
    void thisProcessAsPsShowsIt() throws Exception {
        long pid = ProcessHandle.current().pid();
        Process ps = new ProcessBuilder("ps", "-o", "sess=,pgid=", "-p", Long.toString(pid)).start();
        String[] want = new String(ps.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip().split("\\s+");
        assertEquals(0, ps.waitFor());
        List<TaskInfo> threads = new TaskTable(HostPaths.DEFAULT).process(pid);
        TaskSession s = threads.getFirst().session();
        assertEquals(Long.parseLong(want[0]), s.sid());
        assertEquals(Long.parseLong(want[1]), s.pgid());
        for (TaskInfo t : threads) {
            assertEquals(s, t.session(), "every thread of a process is in its session and group");
        }
    }

    @Test
    void parsesFieldsAfterTheLastParenthesis() {
        String stat = "4242 (x) S 1 77 88 9 (y) R 1 77 88 34816 4242 4194304 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1";
        assertEquals(new TaskSession(88, 77, 77, 34816), TaskSession.parse(stat, null));
        assertEquals(new TaskSession(88, 77, 5, 34816), TaskSession.parse(stat, "\t77\t5"));
        assertEquals(TaskSession.UNKNOWN, TaskSession.parse("4242 no comm", null));
        assertEquals(TaskSession.UNKNOWN, TaskSession.parse("4242 (x) S 1 a b c", null));
    }
}
