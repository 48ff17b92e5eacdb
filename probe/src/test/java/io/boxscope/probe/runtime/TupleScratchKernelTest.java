package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Tuple scratch variables over {@code codegen.Gen#SCRATCH_MIN} bytes live in the program's per-CPU scratch value, so a
 * tuple larger than the whole 512-byte BPF stack can be kept in a variable, used as a map key and a map value, and
 * its elements read back ({@code $t.1}). The workload is this test's own thread opening {@code /dev/zero} and
 * {@code /dev/null} a random number of times ({@code tid ==} and the path filter keep everything else out).
 *
 * <p>No comparison with bpftrace here: 0.17 refuses the 536-byte tuple at compile time ("Looks like the BPF stack
 * limit of 512 bytes is exceeded", checked on the reference machine with {@code $t = (comm, str(args->filename) x8,
 * (int32)args->dfd); print($t)}) and refuses a tuple as a map key ("tuple cannot be used as a map key"), so the tests
 * check exact counts and values alone. A tuple bpftrace can hold (152 bytes, in scratch space for us) is compared with
 * bpftrace live by the runtime corpus ({@code dd-tuple-variable-in-scratch-space}).
 */
@KernelTest
class TupleScratchKernelTest {
    private static final Duration RUN = Duration.ofMillis(600);
    private static final String EIGHT = String.join(", ", Collections.nCopies(8, "str(args->filename)"));
    private static final String DEV = " && strncmp(str(args->filename), \"/dev/\", 5) == 0";

    /** $t = (comm, eight 64-byte strings, tid): 536 bytes, more than the stack. */
    @Test
    void aTupleVariableOverTheStackCountsAndReadsBack() throws Throwable {
        int tid = Libc.gettid();
        int zeros = 20 + ThreadLocalRandom.current().nextInt(20), nulls = 5 + ThreadLocalRandom.current().nextInt(10);
        Runs.Result r = Runs.run("tracepoint:syscalls:sys_enter_openat /tid == " + tid + DEV + "/ { $t = (comm, " + EIGHT
                        + ", tid); @c[$t] = count(); @v[$t.1] = $t; printf(\"%s|%s|%d\\n\", $t.1, $t.8, $t.9); }",
                false, RUN, () -> RuntimeKernelTest.call(() -> {
                    Libc.openClose("/dev/zero", zeros);
                    Libc.openClose("/dev/null", nulls);
                }));
        String out = r.out();
        assertEquals(zeros, out.lines().filter(l -> l.equals("/dev/zero|/dev/zero|" + tid)).count(), out);
        assertEquals(nulls, out.lines().filter(l -> l.equals("/dev/null|/dev/null|" + tid)).count(), out);
        for (String path : List.of("/dev/zero", "/dev/null")) {
            String eight = String.join(", ", Collections.nCopies(8, path));
            int n = path.equals("/dev/zero") ? zeros : nulls;
            // the key (its elements printed as a multi-key's) and the value are the whole tuple, comm (the thread's name) first
            List<String> counts = out.lines().filter(l -> l.startsWith("@c[") && l.contains(eight + ", " + tid + "]: ")).toList();
            assertEquals(1, counts.size(), out);
            assertTrue(counts.getFirst().endsWith("]: " + n), counts.getFirst());
            List<String> values = out.lines().filter(l -> l.startsWith("@v[" + path + "]: (")).toList();
            assertEquals(1, values.size(), out);
            assertTrue(values.getFirst().endsWith(", " + eight + ", " + tid + ")"), values.getFirst());
        }
        assertEquals(536, r.script().maps().get("c").keySize());
        assertTrue(r.script().spec().maps().stream().map(MapSpec::name).anyMatch(n -> n.startsWith("s_")), r.script().spec().maps().toString());
    }

    /**
     * A tuple map value over the stack read back whole into a variable and by element ($u = @v[tid]; @v[tid].2), and a
     * tuple copied from one variable to another: the values the probe stored, zeros for an absent key.
     */
    @Test
    void tupleMapValuesAndCopiesReadBack() throws Throwable {
        int tid = Libc.gettid();
        int n = 3 + ThreadLocalRandom.current().nextInt(5);
        Runs.Result r = Runs.run("tracepoint:syscalls:sys_enter_openat /tid == " + tid + DEV + "/ { @v[tid] = (" + EIGHT
                        + ", tid, 7); $u = @v[tid]; $w = $u; printf(\"%s|%d|%d|%d|%s|%d\\n\", $w.0, $w.8, @v[tid].9,"
                        + " @v[tid + 1].8, @v[tid + 1].3, $u.8 + $w.9); }",
                false, RUN, () -> RuntimeKernelTest.call(() -> Libc.openClose("/dev/zero", n)));
        List<String> lines = r.out().lines().filter(l -> l.startsWith("/dev/zero|")).toList();
        assertEquals(n, lines.size(), r.out());
        // an absent key's elements read as 0 and ""; arithmetic on elements of two copies
        assertEquals(java.util.Collections.nCopies(n, "/dev/zero|" + tid + "|7|0||" + (tid + 7)), lines, r.out());
    }

    /**
     * Seven 64-byte string variables and a tuple (472 bytes of variables, which with the predicate's two strings for
     * strncmp failed with "more than the 512 bytes of BPF stack" before): the largest variables move to scratch space
     * until the stack holds at most 256 bytes of them, and every value reads back.
     */
    @Test
    void manyStringVariablesMoveToScratchSpace() throws Throwable {
        int tid = Libc.gettid();
        int n = 3 + ThreadLocalRandom.current().nextInt(5);
        StringBuilder p = new StringBuilder("tracepoint:syscalls:sys_enter_openat /tid == " + tid + DEV + "/ { ");
        for (char c = 'a'; c <= 'g'; c++) {
            p.append('$').append(c).append(" = str(args->filename); ");
        }
        p.append("$t = (tid, 5); @[$a, $g, $t.0] = count(); printf(\"%s %s %s %s %s %s %s %d\\n\", $a, $b, $c, $d, $e, $f, $g, $t.1); }");
        Runs.Result r = Runs.run(p.toString(), false, RUN, () -> RuntimeKernelTest.call(() -> Libc.openClose("/dev/null", n)));
        assertEquals(Collections.nCopies(n, String.join(" ", Collections.nCopies(7, "/dev/null")) + " 5"),
                r.out().lines().filter(l -> l.startsWith("/dev/null ")).toList(), r.out());
        assertEquals(List.of("@[/dev/null, /dev/null, " + tid + "]: " + n),
                r.out().lines().filter(l -> l.startsWith("@[/dev/")).toList(), r.out());
    }

    /**
     * Two 256-byte keys in one statement ({@code @b[k] = @a[k] + 1}: 520 bytes of stack, refused before): the probe is
     * generated again with its keys over 64 bytes in scratch space, and the values are right.
     */
    @Test
    void twoLargeKeysInOneStatement() throws Throwable {
        int tid = Libc.gettid();
        int n = 3 + ThreadLocalRandom.current().nextInt(5);
        String k = "[" + String.join(", ", Collections.nCopies(4, "str(args->filename)")) + "]";
        Runs.Result r = Runs.run("tracepoint:syscalls:sys_enter_openat /tid == " + tid + DEV + "/ { @a" + k + " = tid; @b" + k
                + " = @a" + k + " + 1; @c" + k + " = count(); }", false, RUN,
                () -> RuntimeKernelTest.call(() -> Libc.openClose("/dev/null", n)));
        String key = "[" + String.join(", ", Collections.nCopies(4, "/dev/null")) + "]: ";
        assertEquals(List.of("@a" + key + tid, "@b" + key + (tid + 1), "@c" + key + n),
                r.out().lines().filter(l -> l.contains("[/dev/")).toList(), r.out());
    }
}
