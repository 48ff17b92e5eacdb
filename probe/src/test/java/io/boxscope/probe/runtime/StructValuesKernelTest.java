package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Whole structs printed on the real kernel, from a workload this test makes on its own thread: a
 * {@code perf_event_open(2)} whose attribute block has known bit-fields and a known value in an unnamed union, and
 * the whole {@code task_struct} of this thread (over 512 bytes: print(*curtask) goes through the ring buffer, and
 * a variable or map value holding it through per-CPU scratch space, not the stack; bpftrace 0.17 compiles neither).
 */
@KernelTest
class StructValuesKernelTest {
    private static final Duration RUN = Duration.ofSeconds(5);
    private static final Linker L = Linker.nativeLinker();
    private static final MethodHandle SYSCALL = L.downcallHandle(L.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle CLOSE = L.downcallHandle(L.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /**
     * perf_event_open of a software dummy event on this thread (include/uapi/linux/perf_event.h): type 1
     * (PERF_TYPE_SOFTWARE), size 64 (PERF_ATTR_SIZE_VER0), config 9 (PERF_COUNT_SW_DUMMY), sample_period 12345,
     * disabled (bit 0), exclude_kernel (bit 5), exclude_hv (bit 6), precise_ip 2 (bits 15-16). Whether the kernel
     * accepts it does not matter: the tracepoint sees the arguments either way.
     */
    private static void perfEventOpen() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(512, 8); // zeroed, larger than any kernel's struct perf_event_attr
            attr.set(ValueLayout.JAVA_INT, 0, 1);
            attr.set(ValueLayout.JAVA_INT, 4, 64);
            attr.set(ValueLayout.JAVA_LONG, 8, 9);
            attr.set(ValueLayout.JAVA_LONG, 16, 12345);
            attr.set(ValueLayout.JAVA_LONG, 40, 1L | 1L << 5 | 1L << 6 | 2L << 15);
            long fd = (long) SYSCALL.invokeExact((long) SyscallTable.current().number("perf_event_open"), attr, 0L, -1L, -1L, 0L);
            if (fd >= 0) {
                int unused = (int) CLOSE.invokeExact((int) fd);
            }
        }
    }

    @Test
    void bitFieldsAndUnnamedUnionsPrintTheirValues() throws Throwable {
        int tid = Libc.gettid();
        String out = Runs.run("tracepoint:syscalls:sys_enter_perf_event_open /tid == " + tid + "/ { print(*args->attr_uptr); "
                + "$a = *args->attr_uptr; @a = $a; exit(); }", false, RUN, () -> RuntimeKernelTest.call(StructValuesKernelTest::perfEventOpen)).out();
        String expected = "{ .type = 1, .size = 64, .config = 9, .sample_period = 12345, .sample_freq = 12345, .sample_type = 0, "
                + ".read_format = 0, .disabled = 1, .inherit = 0, .pinned = 0, .exclusive = 0, .exclude_user = 0, .exclude_kernel = 1, "
                + ".exclude_hv = 1, .exclude_idle = 0, .mmap = 0, .comm = 0, .freq = 0, .inherit_stat = 0, .enable_on_exec = 0, "
                + ".task = 0, .watermark = 0, .precise_ip = 2, .mmap_data = 0, ";
        String[] lines = out.split("\n");
        assertEquals("Attaching 1 probe...", lines[0], out);
        assertTrue(lines[1].startsWith(expected), out);
        assertTrue(out.contains("\n@a: " + lines[1] + "\n"), out); // the same bytes through a variable and a map
    }

    @Test
    void theWholeTaskStructPrintsThroughTheRingBuffer() throws Throwable {
        int tid = Libc.gettid();
        long pid = ProcessHandle.current().pid();
        String out = Runs.run("tracepoint:syscalls:sys_enter_getppid /tid == " + tid + "/ { print(*curtask); exit(); }",
                false, RUN, () -> RuntimeKernelTest.call(() -> Libc.getppid(1))).out();
        String line = out.split("\n")[1];
        assertTrue(line.startsWith("{ ") && line.endsWith(" }"), out);
        assertTrue(line.contains(", .pid = " + tid + ", .tgid = " + pid + ", "), line);
        assertEquals(line.chars().filter(c -> c == '{').count(), line.chars().filter(c -> c == '}').count(), line);
    }

    /**
     * A whole task_struct (kilobytes: over the 512-byte stack; bpftrace 0.17 cannot compile this) kept in a scratch
     * variable and a map lives in per-CPU scratch space: its fields read back as this thread's ids, print($t) and the
     * map printed at exit show the same bytes, and a copy from an absent map key is all zeros although an earlier
     * assignment left the task's bytes in that scratch place.
     */
    @Test
    void aStructLargerThanTheStackLivesInScratchSpace() throws Throwable {
        int tid = Libc.gettid();
        long pid = ProcessHandle.current().pid();
        String out = Runs.run("tracepoint:syscalls:sys_enter_getppid /tid == " + tid + "/ { $t = *curtask; "
                + "printf(\"%d %d\\n\", $t.pid, $t.tgid); @t[$t.pid] = $t; print($t); $z = $t; $z = @t[0]; "
                + "printf(\"%d %d\\n\", $z.pid, $z.tgid); exit(); }",
                false, RUN, () -> RuntimeKernelTest.call(() -> Libc.getppid(1))).out();
        String[] lines = out.split("\n");
        assertEquals("Attaching 1 probe...", lines[0], out);
        assertEquals(tid + " " + pid, lines[1], out);
        assertTrue(lines[2].startsWith("{ ") && lines[2].contains(", .pid = " + tid + ", .tgid = " + pid + ", "), out);
        assertEquals("0 0", lines[3], out);
        assertTrue(out.contains("\n@t[" + tid + "]: " + lines[2] + "\n"), out); // the same bytes through the map
    }
}
