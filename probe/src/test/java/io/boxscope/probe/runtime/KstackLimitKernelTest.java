package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * {@code kstack(N)} as a map key is the stack's first N frames, as in bpftrace 0.17 (one stack trace map per limit,
 * whose ids hash only the frames kept): events whose full stacks differ below frame N count under one key. With one
 * shared map of full stacks, each distinct full stack was a key of its own, printed N frames deep, so the same text
 * came out several times with part of the count each ({@code @[kstack(1)]} printed 7 one-frame entries of 1 for the
 * 7 kmallocs of {@code sleep 0}, bpftrace 2 entries of 3 and 4).
 */
@KernelTest
class KstackLimitKernelTest {

    /** The entries of map {@code name} in text output whose keys are stacks: the frames (one string) and the count. */
    static Map<String, Long> stackEntries(String out, String name) {
        Map<String, Long> entries = new LinkedHashMap<>();
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals(name + "[")) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            int j = i + 1;
            while (!lines.get(j).startsWith("]: ")) {
                frames.add(lines.get(j).strip());
                j++;
            }
            Long before = entries.put(String.join("\n", frames), Long.parseLong(lines.get(j).substring(3)));
            assertEquals(null, before, name + " prints the stack\n" + String.join("\n", frames) + "\nas two keys:\n" + out);
            i = j;
        }
        return entries;
    }

    /**
     * The kmallocs of {@code sleep 0} (from exec, several call paths): {@code @[kstack(1)]} must hold each first frame
     * once, with the counts of the full stacks {@code @all[kstack]} of the same events that start with it, summed.
     */
    @Test
    void aTruncatedStackKeyCountsEveryStackSharingItsFrames() throws Exception {
        String out = Runs.run("tracepoint:kmem:kmalloc /pid == cpid/ { @[kstack(1)] = count(); @two[kstack(2)] = count();"
                + " @all[kstack] = count(); }", false, Duration.ofSeconds(20), null, "/usr/bin/sleep 0").out();
        Map<String, Long> all = stackEntries(out, "@all");
        assertTrue(all.size() >= 2, "the workload reaches kmalloc by two paths at least (else the test shows nothing):\n" + out);
        for (int depth = 1; depth <= 2; depth++) {
            Map<String, Long> expected = new LinkedHashMap<>();
            for (Map.Entry<String, Long> e : all.entrySet()) {
                List<String> frames = e.getKey().lines().toList();
                expected.merge(String.join("\n", frames.subList(0, Math.min(depth, frames.size()))), e.getValue(), Long::sum);
            }
            assertEquals(expected, stackEntries(out, depth == 1 ? "@" : "@two"), "kstack(" + depth + "):\n" + out);
        }
    }
}
