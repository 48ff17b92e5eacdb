package io.boxscope.tools.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * StackSample's equals and hashCode are written out (not the record's generated ones, whose bootstrap spins classes
 * at run time: docs/benchmarks.md): they must still be the record's, equal exactly when every component is.
 */
class StackSampleTest {
    @Test
    void equalExactlyWhenEveryComponentIs() {
        StackSample a = new StackSample(7, "w", List.of("main", "start"), List.of("schedule"), 42);
        StackSample same = new StackSample(7, "w", new ArrayList<>(List.of("main", "start")), List.of("schedule"), 42);
        assertEquals(a, same);
        assertEquals(a.hashCode(), same.hashCode());
        List<StackSample> others = List.of(
                new StackSample(8, "w", List.of("main", "start"), List.of("schedule"), 42),
                new StackSample(7, "x", List.of("main", "start"), List.of("schedule"), 42),
                new StackSample(7, "w", List.of("start", "main"), List.of("schedule"), 42),
                new StackSample(7, "w", List.of("main", "start"), List.of(), 42),
                new StackSample(7, "w", List.of("main", "start"), List.of("schedule"), 43));
        for (StackSample o : others) {
            assertNotEquals(a, o, o.toString());
        }
        assertNotEquals(a, "w");
        assertNotEquals(a, null);
        Set<StackSample> set = new HashSet<>(others);
        set.add(a);
        set.add(same);
        assertEquals(others.size() + 1, set.size());
    }
}
