package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.boxscope.trace.scap.Inspector.Thread;

/**
 * {@link ThreadTable}'s count of threads by pid against a walk over its threads (what {@link ThreadRules#fake}
 * did before the count), over random puts (new tids and replacements), removes and pid changes.
 */
class ThreadTableTest {
    private static int walk(ThreadTable table, long pid) {
        int n = 0;
        for (Thread t : table.values()) {
            if (t.pid == pid) {
                n++;
            }
        }
        return n;
    }

    private static Thread thread(ThreadTable table, long tid, long pid) {
        return new Thread(tid, pid, "t" + tid, "/", new LongMap<>(), table);
    }

    @Test
    void countsFollowPutsRemovesAndPidChanges() {
        ThreadTable table = new ThreadTable();
        Random random = new Random(13);
        for (int i = 0; i < 20_000; i++) {
            long tid = random.nextInt(200);
            long pid = random.nextInt(40);
            switch (random.nextInt(4)) {
                case 0, 1 -> table.put(thread(table, tid, pid));
                case 2 -> table.remove(tid);
                default -> {
                    Thread t = table.get(tid);
                    if (t != null) {
                        table.setPid(t, pid);
                    }
                }
            }
            long probe = random.nextInt(45);
            assertEquals(walk(table, probe), table.withPid(probe), "pid " + probe + " after step " + i);
        }
    }

    @Test
    void aThreadOutsideTheTableChangesNoCount() {
        ThreadTable table = new ThreadTable();
        Thread in = thread(table, 10, 10);
        table.put(in);
        Thread out = thread(table, 11, 10);
        table.setPid(out, 20);
        assertEquals(20, out.pid);
        assertEquals(1, table.withPid(10));
        assertEquals(0, table.withPid(20));
        Thread replacement = thread(table, 10, 30);
        assertSame(in, table.put(replacement));
        assertEquals(0, table.withPid(10));
        assertEquals(1, table.withPid(30));
    }

    @Test
    void fakeCountsTheThreadsOfItsProcess() {
        ThreadTable table = new ThreadTable();
        table.put(thread(table, 101, 100));
        table.put(thread(table, 102, 100));
        table.put(thread(table, 201, 200));
        Thread main = ThreadRules.fake(100, table);
        assertEquals(2, main.nchilds);
        assertEquals(3, table.withPid(100));
        assertSame(main, table.get(100));
    }
}
