package io.boxscope.bpf.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecentProblemsTest {
    /** Eight are kept; the ninth drops the first, and the order stays oldest first. */
    @Test
    void keepsTheLastEightOldestFirst() {
        RecentProblems p = new RecentProblems();
        assertEquals(List.of(), p.list());
        for (int i = 1; i <= 9; i++) {
            p.add("problem " + i);
        }
        assertEquals(List.of("problem 2", "problem 3", "problem 4", "problem 5", "problem 6", "problem 7", "problem 8",
                "problem 9"), p.list());
    }
}
