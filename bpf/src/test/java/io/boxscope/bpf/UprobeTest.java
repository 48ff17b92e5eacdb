package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.bpf.elf.DebugFiles;
import io.boxscope.bpf.elf.ElfException;
import io.boxscope.bpf.elf.ElfFile;
import io.boxscope.bpf.elf.ElfSymbol;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;

/**
 * A uprobe on libc's kill(): dash's {@code kill} builtin calls it once per invocation, so a child
 * shell that runs {@code kill -0 $$} N times makes exactly N calls. The child waits on stdin until
 * the probe is attached.
 */
@KernelTest
class UprobeTest {
    static Path libc() {
        for (String p : List.of("/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6",
                "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/aarch64-linux-gnu/libc.so.6")) {
            if (Files.isRegularFile(Path.of(p))) {
                return Path.of(p);
            }
        }
        throw new AssertionError("no libc.so.6 found");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void countsEveryKillCallOfAChildShell(boolean retprobe) throws Exception {
        int n = 73;
        Process child = new ProcessBuilder("/bin/dash", "-c",
                "read go; i=0; while [ $i -lt " + n + " ]; do kill -0 $$; i=$((i+1)); done")
                .redirectErrorStream(true).start();
        int pid = (int) child.pid();
        try (BpfMap count = Counting.counter();
                Program p = Program.load(ProgramSpec.of("uprobe_kill", ProgramType.KPROBE, Counting.countIf(count, pid, true)));
                Link l = Attach.uprobe(p, libc(), "kill", retprobe, pid)) {
            try (OutputStream in = child.getOutputStream()) {
                in.write("go\n".getBytes());
            }
            assertEquals(true, child.waitFor(30, TimeUnit.SECONDS), "child shell did not finish");
            assertEquals(0, child.exitValue(), new String(child.getInputStream().readAllBytes()));
            assertEquals(n, Counting.read(count), l.description());
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * malloc_consolidate is a local function of libc: Debian's libc.so.6 is stripped, so its symbol is only in
     * the debug file (libc6-dbg). The offset must be the debug symbol's value placed with libc's own PT_LOAD
     * segments (checked against readelf), and the probe must fire: malloc_trim(0) consolidates every arena,
     * so N calls from this thread make at least N calls.
     */
    @org.junit.jupiter.api.Test
    void aFunctionOnlyInTheDebugFileIsPlacedWithTheRealFilesSegments() throws Throwable {
        Path libc = libc();
        ElfFile elf = ElfFile.read(libc);
        assertTrue(elf.function("malloc_consolidate").isEmpty(), "libc.so.6 itself should not have it (stripped)");
        Path debug = DebugFiles.find(elf, libc, DebugFiles.DEFAULT_ROOT).orElseThrow(
                () -> new AssertionError("libc's debug file is missing (Debian package libc6-dbg)"));
        long value = -1;
        for (String line : run("readelf", "-W", "--syms", debug.toString())) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[3].equals("FUNC") && f[7].equals("malloc_consolidate")) {
                value = Long.parseUnsignedLong(f[1], 16);
            }
        }
        assertTrue(value > 0, "readelf found no malloc_consolidate in " + debug);
        long expected = -1;
        for (String line : run("readelf", "-W", "-l", libc.toString())) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[0].equals("LOAD")) {
                long off = Long.decode(f[1]);
                long vaddr = Long.decode(f[2]);
                long memsz = Long.decode(f[5]);
                if (value >= vaddr && value < vaddr + memsz) {
                    expected = value - vaddr + off;
                }
            }
        }
        assertEquals(expected, Attach.uprobeOffset(libc, "malloc_consolidate"));

        MethodHandle trim = Linker.nativeLinker().downcallHandle(Linker.nativeLinker().defaultLookup().find("malloc_trim")
                .orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        int n = 25;
        int tid = Sys.gettid();
        try (BpfMap count = Counting.counter();
                Program p = Program.load(ProgramSpec.of("uprobe_consolidate", ProgramType.KPROBE, Counting.countIf(count, tid, false)));
                Link l = Attach.uprobe(p, libc, "malloc_consolidate", false, Sys.getpid())) {
            for (int i = 0; i < n; i++) {
                int ignored = (int) trim.invokeExact(0L);
            }
            assertTrue(Counting.read(count) >= n, Counting.read(count) + " calls seen, " + l.description());
        }
    }

    @org.junit.jupiter.api.Test
    void anIndirectFunctionIsRefusedWithAReason() throws Exception {
        ElfFile elf = ElfFile.read(libc());
        assertEquals(ElfSymbol.Type.IFUNC, elf.function("memcpy").orElseThrow().type());
        ElfException e = assertThrows(ElfException.class, () -> Attach.uprobeOffset(libc(), "memcpy"));
        assertTrue(e.getMessage().contains("IFUNC"), e.getMessage());
        // The compat version memcpy@GLIBC_2.2.5 is a plain FUNC and can be probed by its versioned name.
        assertEquals(ElfSymbol.Type.FUNC, elf.function("memcpy@GLIBC_2.2.5").orElseThrow().type());
        assertEquals(elf.fileOffsetOf(elf.function("memcpy@GLIBC_2.2.5").orElseThrow().value()),
                Attach.uprobeOffset(libc(), "memcpy@GLIBC_2.2.5"));
        ElfException missing = assertThrows(ElfException.class, () -> Attach.uprobeOffset(libc(), "no_such_function_xyz"));
        assertTrue(missing.getMessage().contains("no function 'no_such_function_xyz'"), missing.getMessage());
    }

    private static List<String> run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertEquals(0, p.waitFor(), String.join(" ", cmd));
        return out;
    }
}
