package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import io.boxscope.cli.Cli;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Workloads;
import org.junit.jupiter.api.Test;

/**
 * profile says how many of its stacks it showed empty because bpf_get_stackid could not store them, with the advice
 * that fits it ({@code --stack-storage-size}), on standard error after the stacks and in {@code --json}'s
 * {@code stacks_unread}. The loss is real and forced: {@code --stack-storage-size 1} makes a stack map of one bucket
 * (kernel/bpf/stackmap.c: n_buckets = roundup_pow_of_two(max_entries)), so the first stack stored holds it and every
 * different stack gets -EEXIST (no BPF_F_REUSE_STACKID). The workload (testkit's Workloads.readZeroAndSleep, watched
 * alone with {@code -p}) is a Python process that reads /dev/zero and sleeps: sampled at 999 Hz for 2 s its user
 * stacks differ (the interpreter at many instructions), so some collide. Oracle: the process always has a user stack
 * (a user process, never a kernel thread), so every stack shown with an empty user stack is one the kernel could not
 * store; the count said covers at least those, and is positive.
 */
@KernelTest
class StackToolsStacksUnreadTest {
    static Cli profile(long pid, String... globals) {
        List<String> a = new java.util.ArrayList<>(List.of(globals));
        a.addAll(List.of("profile", "-F", "999", "-p", Long.toString(pid), "--stack-storage-size", "1", "2"));
        return Cli.run(a.toArray(String[]::new));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCollidingStackMapIsSaidWithItsOption() throws Exception {
        Process w = Workloads.readZeroAndSleep();
        try {
            Cli json = profile(w.pid(), "--json");
            assertEquals(0, json.code(), json.err());
            Map<String, Object> doc = (Map<String, Object>) Json.parse(json.out());
            List<Map<String, Object>> stacks = (List<Map<String, Object>>) (List<?>) doc.get("stacks");
            assertTrue(stacks.size() > 1, "too few samples to collide: " + json.out());
            long emptyUser = stacks.stream().filter(s -> ((List<?>) s.get("user_stack")).isEmpty()).count();
            assertTrue(emptyUser > 0, "no stack of the workload was lost with a one-stack map: " + json.out());
            Map<String, Object> unread = (Map<String, Object>) doc.get("stacks_unread");
            Map<String, Object> errors = (Map<String, Object>) unread.get("errors");
            long full = (Long) errors.getOrDefault("eexist", 0L) + (Long) errors.getOrDefault("enomem", 0L);
            assertTrue(full >= emptyUser, unread + " counted, " + emptyUser + " stacks shown with an empty user stack");
            assertEquals(errors.values().stream().mapToLong(v -> (Long) v).sum(), unread.get("stacks"), unread::toString);
            // a sample taken in user mode has no kernel stack (EFAULT): not a lost stack, not counted
            assertTrue(!errors.containsKey("efault"), unread::toString);

            Cli text = profile(w.pid());
            assertEquals(0, text.code(), text.err());
            List<String> lines = text.err().lines().filter(l -> l.contains("could not be read")).toList();
            assertEquals(1, lines.size(), text.err());
            assertTrue(lines.getFirst().matches("boxscope: [0-9]+ stacks? shown empty because (it|they) could not be read: .*[0-9]+ EEXIST"
                    + " \\(another stack held the id's bucket of the stack map\\).*; the stack map holds 1 stack: raise --stack-storage-size"),
                    lines::toString);
        } finally {
            w.destroyForcibly().waitFor();
        }
    }
}
