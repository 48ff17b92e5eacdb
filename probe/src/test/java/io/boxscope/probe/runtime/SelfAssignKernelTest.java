package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * A string or tuple variable assigned a value that reads the variable itself: {@code $t = ($t.1, $t.0)},
 * {@code $t = ($t.0 + 1, "xy")}, {@code $s = c ? $s : "x"}. The value is built in a temporary and copied over the
 * variable (codegen {@code StmtGen.selfAssign}); built in the variable's own place, which is zeroed first, it read zeros
 * ({@code 0 0}, {@code 1}, an empty string). The workload is this test's own thread opening {@code /dev/null} a random
 * number of times ({@code tid ==} and the path filter keep everything else out). bpftrace 0.17 prints the same for the
 * forms it accepts (runtime corpus {@code dd-tuple-assigned-from-itself}, {@code dd-string-ternary-keeps-itself}).
 */
@KernelTest
class SelfAssignKernelTest {
    private static final Duration RUN = Duration.ofMillis(600);
    private static final String DEV = " && strncmp(str(args->filename), \"/dev/\", 5) == 0";

    /**
     * Runs {@code body} at {@code probe} for this thread only ({@code tid ==}, then {@code filter}) while {@code workload}
     * makes the event {@code n} times: the lines {@code kept} selects are {@code n} copies of {@code expected}.
     */
    private static Runs.Result eachEvent(String probe, String filter, String body, RuntimeKernelTest.Body workload, int n,
            String expected, Predicate<String> kept) throws Throwable {
        Runs.Result r = Runs.run(probe + " /tid == " + Libc.gettid() + filter + "/ {" + body + " }", false, RUN,
                () -> RuntimeKernelTest.call(workload));
        assertEquals(Collections.nCopies(n, expected), r.out().lines().filter(kept).toList(), r.out());
        return r;
    }

    /** Tuples and strings on the stack: a swap, an element read and changed, and a string ternary that keeps the variable. */
    @Test
    void stackVariablesReadThemselvesBeforeTheyAreOverwritten() throws Throwable {
        int n = 3 + ThreadLocalRandom.current().nextInt(5);
        eachEvent("tracepoint:syscalls:sys_enter_openat", DEV, " $t = (tid, 7);"
                        + " $t = ($t.1, $t.0); $u = (5, \"ab\"); $u = ($u.0 + 1, \"xy\"); $s = \"abc\";"
                        + " $s = tid > 0 ? $s : \"x\"; $w = \"def\"; $w = tid == 0 ? \"x\" : $w;"
                        + " printf(\"%d %d|%d %s|%s|%s\\n\", $t.0, $t.1, $u.0, $u.1, $s, $w);",
                () -> Libc.openClose("/dev/null", n), n, "7 " + Libc.gettid() + "|6 xy|abc|def", l -> l.startsWith("7 ") || l.startsWith("0 "));
    }

    /**
     * A 144-byte tuple, which lives in scratch space: its elements rotated and one changed, the temporary in scratch
     * space too.
     */
    @Test
    void aScratchSpaceTupleReadsItselfBeforeItIsOverwritten() throws Throwable {
        int n = 3 + ThreadLocalRandom.current().nextInt(5);
        Runs.Result r = eachEvent("tracepoint:syscalls:sys_enter_openat", DEV,
                " $t = (str(args->filename), \"ab\", str(args->filename, 3), tid);"
                        + " $t = ($t.2, $t.1, $t.0, $t.3 + 1); printf(\"<%s|%s|%s|%d>\\n\", $t.0, $t.1, $t.2, $t.3);",
                () -> Libc.openClose("/dev/null", n), n, "</de|ab|/dev/null|" + (Libc.gettid() + 1) + ">", l -> l.startsWith("<"));
        assertTrue(r.script().spec().maps().stream().anyMatch(m -> m.name().startsWith("s_")),
                "the tuple lives in scratch space: " + r.script().spec().maps());
    }
    /**
     * Struct variables copied through a map and back, keyed by a field of the variable itself: {@code $c = @m[$c.weight]}
     * reads the key from the variable before the struct is written, and an absent key reads as zeros (before: the
     * variable kept its previous value for an absent key, {@code 1048576 4194304} where bpftrace 0.17 prints
     * {@code 0 0}). {@code struct load_weight} (16 bytes) lives on the stack; {@code struct cred} (over 128 bytes) in
     * scratch space, with its temporary there too. The key adds {@code tid} so the map holds this run's entry only, and
     * {@code cap_effective} (nonzero as root) tells a zeroed struct from a stale one. bpftrace 0.17 prints the same for
     * the stack form (runtime corpus {@code dd-struct-through-a-map-reads-itself}); it cannot put a {@code struct cred}
     * on its stack.
     */
    @Test
    void structVariablesCopiedThroughAMapReadTheirKeyFirst() throws Throwable {
        int n = 2 + ThreadLocalRandom.current().nextInt(4);
        Runs.Result r = eachEvent("tracepoint:syscalls:sys_enter_getppid", "",
                " $c = curtask->se.load; @m[$c.weight + tid] = $c; $c = @m[$c.weight + tid];"
                        + " $w = $c.weight; $c = @m[$c.weight + tid + 1];"
                        + " $k = *curtask->real_cred; @n[$k.cap_effective.val + tid] = $k; $k = @n[$k.cap_effective.val + tid];"
                        + " $e = $k.cap_effective.val; $k = @n[$k.cap_effective.val + tid + 1];"
                        + " printf(\"<%d %d|%d %d %d|%d>\\n\", $w > 0, $c.weight, $e > 0, $e == curtask->real_cred->cap_effective.val,"
                        + " $k.cap_effective.val, $k.euid.val);",
                () -> Libc.getppid(n), n, "<1 0|1 1 0|0>", l -> l.startsWith("<"));
        assertTrue(r.script().spec().maps().stream().anyMatch(m -> m.name().startsWith("s_")),
                "struct cred lives in scratch space: " + r.script().spec().maps());
    }
}
