package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Map keys (and assigned values) larger than the 512-byte BPF stack are built in the program's per-CPU scratch value
 * ({@code codegen.Gen#STACK_KEY_MAX}), so these programs load and count exactly. The workload is this test's own
 * thread opening files it names ({@code tid ==} filters everything else out).
 *
 * <p>No comparison with bpftrace: 0.17 refuses every program here at compile time ("Looks like the BPF stack limit of
 * 512 bytes is exceeded. Please move large on stack variables into BPF per-cpu array map.", checked on the reference
 * machine with the first program), so the tests check the exact counts alone.
 */
@KernelTest
class LargeKeysKernelTest {
    private static final Duration RUN = Duration.ofMillis(600);
    /** Eight 64-byte strings (bpftrace's default strlen) and a tid: a 520-byte key. */
    private static final String EIGHT = String.join(", ", java.util.Collections.nCopies(8, "str(args->filename)"));

    /** The JVM opens class files on this thread too (also while the run polls): only the test's /dev paths count. */
    private static final String DEV = " && strncmp(str(args->filename), \"/dev/\", 5) == 0";

    private static String key(String path, int tid) {
        return String.join(", ", java.util.Collections.nCopies(8, path)) + ", " + tid;
    }

    @Test
    void countsWithAKeyOverTheStack() throws Throwable {
        int tid = Libc.gettid();
        int zeros = 20 + ThreadLocalRandom.current().nextInt(20), nulls = 5 + ThreadLocalRandom.current().nextInt(10);
        Runs.Result r = Runs.run("tracepoint:syscalls:sys_enter_openat /tid == " + tid + DEV + "/ { @c[" + EIGHT + ", tid] = count(); }",
                false, RUN, () -> RuntimeKernelTest.call(() -> {
                    Libc.openClose("/dev/zero", zeros);
                    Libc.openClose("/dev/null", nulls);
                }));
        // the JVM may open class files on this thread meanwhile: only the two paths the test opens are checked
        assertEquals(List.of("@c[" + key("/dev/null", tid) + "]: " + nulls, "@c[" + key("/dev/zero", tid) + "]: " + zeros),
                r.out().lines().filter(l -> l.startsWith("@c[/dev/")).toList(), r.out());
        assertEquals(520, layoutKey(r.script(), "c"));
        assertTrue(r.script().spec().maps().stream().anyMatch(m -> m.name().startsWith("s_")), "a scratch map: " + r.script().spec().maps());
    }

    /**
     * hist() (the bucket follows the key in scratch space), ++ (a lookup and an update with the key), a read of the
     * count through the key, delete() of every bucket of a hist key in a bounded loop, and a 5-string tuple value
     * (320 bytes: built in scratch too): /dev/zero is opened 5 times, its histogram deleted at the third, so it
     * holds the last two; /dev/null once.
     */
    @Test
    void histIncrementReadAndDeleteWithKeysOverTheStack() throws Throwable {
        int tid = Libc.gettid();
        String five = String.join(", ", java.util.Collections.nCopies(5, "str(args->filename)"));
        String k = EIGHT + ", tid";
        Runs.Result r = Runs.run("tracepoint:syscalls:sys_enter_openat /tid == " + tid + DEV + "/ { @h[" + k + "] = hist(100); @c[" + k
                + "]++; if (@c[" + k + "] == 3) { delete(@h[" + k + "]); } @v[tid] = (" + five + "); }",
                false, RUN, () -> RuntimeKernelTest.call(() -> {
                    Libc.openClose("/dev/zero", 5);
                    Libc.openClose("/dev/null", 1);
                }));
        String bar1 = "|" + "@".repeat(52) + "|", line = "[64, 128)";
        String out = r.out();
        assertTrue(out.contains("\n@c[" + key("/dev/null", tid) + "]: 1\n"), out);
        assertTrue(out.contains("\n@c[" + key("/dev/zero", tid) + "]: 5\n"), out);
        assertTrue(out.contains("\n@h[" + key("/dev/null", tid) + "]: \n" + String.format("%-16s%8d %s", line, 1, bar1) + "\n\n"), out);
        assertTrue(out.contains("\n@h[" + key("/dev/zero", tid) + "]: \n" + String.format("%-16s%8d %s", line, 2, bar1) + "\n\n"), out);
        assertTrue(out.endsWith("\n@v[" + tid + "]: (" + String.join(", ", java.util.Collections.nCopies(5, "/dev/null")) + ")\n"), out);
    }

    /** A whole task_struct (kilobytes) as a key: every getppid counts once, whatever the task's bytes were. */
    @Test
    void structKeyOverTheStack() throws Throwable {
        int tid = Libc.gettid();
        int n = 10 + ThreadLocalRandom.current().nextInt(10);
        Runs.Result r = Runs.run("tracepoint:syscalls:sys_enter_getppid /tid == " + tid + "/ { @t[*curtask] = count(); }",
                false, RUN, () -> RuntimeKernelTest.call(() -> Libc.getppid(n)));
        long total = 0;
        Matcher m = Pattern.compile("(?m)^@t\\[\\{.*\\}\\]: (\\d+)$").matcher(r.out());
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        assertEquals(n, total, r.out().substring(0, Math.min(2000, r.out().length())));
        assertTrue(layoutKey(r.script(), "t") > 512, "key bytes " + layoutKey(r.script(), "t"));
    }

    /** Keys that fit keep being built on the stack: no scratch map for them. */
    @Test
    void smallKeysStayOnTheStack() throws Throwable {
        int tid = Libc.gettid();
        Runs.Result r = Runs.run("tracepoint:syscalls:sys_enter_openat /tid == " + tid + DEV + "/ { @c[str(args->filename), tid] = count(); }",
                false, RUN, () -> RuntimeKernelTest.call(() -> Libc.openClose("/dev/zero", 3)));
        assertEquals(List.of("@c[/dev/zero, " + tid + "]: 3"), r.out().lines().filter(l -> l.startsWith("@c[/dev/")).toList(), r.out());
        assertTrue(r.script().spec().maps().stream().map(MapSpec::name).noneMatch(n -> n.startsWith("s_")),
                r.script().spec().maps().toString());
    }

    private static int layoutKey(CompiledScript s, String map) {
        return s.maps().get(map).keySize();
    }
}
