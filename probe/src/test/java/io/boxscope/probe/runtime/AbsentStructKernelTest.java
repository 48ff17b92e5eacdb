package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.ThreadLocalRandom;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * A struct read from a map under an absent key reads as zeros, as bpftrace 0.17 reads it, wherever the read lands.
 * bpftrace 0.17 refuses struct ternaries ("Ternary return type unsupported record", bad-programs.txt), so the forms
 * it takes are a map read assigned to a map ({@code @n[k] = @m[absent]}) and to a variable, also in a branch.
 * {@code struct posix_cputimers} (80 bytes) is used because its {@code bases[0].nextevt} is nonzero in every task
 * (U64_MAX, posix_cputimers_init in kernel/time/posix-cpu-timers.c), so a zeroed struct and a stale one differ.
 * The first statements (two 256-byte keys in one statement) make the probe compile with the tight stack share,
 * which builds the 80-byte value of {@code @n} in scratch space: before, that value was not zeroed and an absent
 * key copied nothing, so {@code @n[tid + 2]} got the previous statement's {@code @m[tid]} ({@code <1 1 ...>}).
 * bpftrace 0.17 prints {@code <1 0>} for the map-to-map form without those statements (its stack cannot hold them).
 * The workload is this test's own thread calling getppid(2) a random number of times ({@code tid ==} filters).
 */
@KernelTest
class AbsentStructKernelTest {
    @Test
    void aStructReadUnderAnAbsentKeyIsZeros() throws Throwable {
        int tid = Libc.gettid();
        int n = 2 + ThreadLocalRandom.current().nextInt(4);
        String k = "str(0), str(0), str(0), str(0)";
        Runs.Result r = Runs.run("tracepoint:syscalls:sys_enter_getppid /tid == " + tid + "/ {"
                        + " @a[" + k + "] = 1; @b[" + k + "] = @a[" + k + "];"
                        + " @m[tid] = curtask->posix_cputimers; @n[tid + 1] = @m[tid]; @n[tid + 2] = @m[tid + 3];"
                        + " $x = @n[tid + 1]; $y = @n[tid + 2]; $c = @m[tid]; if (tid > 0) { $c = @m[tid + 3]; }"
                        + " printf(\"<%d %d %d>\\n\", $x.bases[0].nextevt != 0, $y.bases[0].nextevt != 0,"
                        + " $c.bases[0].nextevt != 0); }",
                false, Duration.ofMillis(600), () -> RuntimeKernelTest.call(() -> Libc.getppid(n)));
        assertEquals(Collections.nCopies(n, "<1 0 0>"), r.out().lines().filter(l -> l.startsWith("<")).toList(), r.out());
        assertTrue(r.script().spec().maps().stream().anyMatch(m -> m.name().startsWith("s_")),
                "scratch space is used: " + r.script().spec().maps());
    }
}
