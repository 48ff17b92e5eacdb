package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
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
import io.boxscope.testkit.SystemLibs;

/**
 * Uprobes on this machine's libc (found the way the loader finds it: {@link SystemLibs#libc()}). Oracles: every
 * file offset we attach at is recomputed from binutils' output ({@code readelf -W --dyn-syms}/{@code --syms} for
 * the symbol value, {@code readelf -W -l} for the PT_LOAD segment that holds it: offset = value - p_vaddr +
 * p_offset), never from our own ElfFile; every firing count is a workload whose number of calls is known in
 * advance. kill(): dash's {@code kill} builtin calls it once per invocation, so a child shell that runs
 * {@code kill -0 $$} N times makes exactly N calls; the child waits on stdin until the probe is attached.
 */
@KernelTest
class UprobeTest {
    static Path libc() {
        return SystemLibs.libc();
    }

    /**
     * The file offset of {@code name} computed from readelf alone: its value from the symbol table that
     * {@code symFlag} prints ("--dyn-syms" of {@code symbolsFrom}, or "--syms" of a debug file), placed with the
     * PT_LOAD segments of {@code loaded} (the file the kernel maps; a debug file's own headers do not count).
     */
    static long readelfOffset(Path loaded, Path symbolsFrom, String symFlag, String name) throws Exception {
        long value = -1;
        for (String line : run("readelf", "-W", symFlag, symbolsFrom.toString())) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[3].equals("FUNC") && !f[6].equals("UND")
                    && (f[7].equals(name) || f[7].startsWith(name + "@@"))) { // @@: the default version
                assertTrue(value == -1 || value == Long.parseUnsignedLong(f[1], 16), "two values for " + name);
                value = Long.parseUnsignedLong(f[1], 16);
            }
        }
        assertTrue(value > 0, "readelf " + symFlag + " found no FUNC " + name + " in " + symbolsFrom);
        long expected = -1;
        for (String line : run("readelf", "-W", "-l", loaded.toString())) {
            String[] f = line.trim().split("\\s+");
            // Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align
            if (f.length >= 6 && f[0].equals("LOAD")) {
                long off = Long.decode(f[1]);
                long vaddr = Long.decode(f[2]);
                long memsz = Long.decode(f[5]);
                if (value >= vaddr && value < vaddr + memsz) {
                    expected = value - vaddr + off;
                }
            }
        }
        assertTrue(expected >= 0, "no PT_LOAD of " + loaded + " holds 0x" + Long.toHexString(value));
        return expected;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void countsEveryKillCallOfAChildShell(boolean retprobe) throws Exception {
        Path libc = libc();
        assertEquals(readelfOffset(libc, libc, "--dyn-syms", "kill"), Attach.uprobeOffset(libc, "kill"));
        int n = 73;
        Process child = new ProcessBuilder("/bin/dash", "-c",
                "read go; i=0; while [ $i -lt " + n + " ]; do kill -0 $$; i=$((i+1)); done")
                .redirectErrorStream(true).start();
        int pid = (int) child.pid();
        try (BpfMap count = Counting.counter();
                Program p = Program.load(ProgramSpec.of("uprobe_kill", ProgramType.KPROBE, Counting.countIf(count, pid, true)));
                Link l = Attach.uprobe(p, libc, "kill", retprobe, pid)) {
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
     * Local functions of libc: Debian's libc.so.6 is stripped, so their symbols are only in the debug file
     * (libc6-dbg). The offset must be the debug symbol's value placed with libc's own PT_LOAD segments (oracle:
     * readelf on both files). Firing: strtol(3) is a stub that jumps to the local ____strtol_l_internal once per
     * call (glibc stdlib/strtol.c), so N strtol calls from this thread make exactly N hits of this thread.
     */
    @org.junit.jupiter.api.Test
    void aFunctionOnlyInTheDebugFileIsPlacedWithTheRealFilesSegments() throws Throwable {
        Path libc = libc();
        ElfFile elf = ElfFile.read(libc);
        assertTrue(elf.function("malloc_consolidate").isEmpty(), "libc.so.6 itself should not have it (stripped)");
        assertTrue(elf.function("____strtol_l_internal").isEmpty(), "libc.so.6 itself should not have it (stripped)");
        Path debug = DebugFiles.find(elf, libc, DebugFiles.DEFAULT_ROOT).orElseThrow(
                () -> new AssertionError("libc's debug file is missing (Debian package libc6-dbg)"));
        assertEquals(readelfOffset(libc, debug, "--syms", "malloc_consolidate"), Attach.uprobeOffset(libc, "malloc_consolidate"));
        String internal = "____strtol_l_internal";
        assertEquals(readelfOffset(libc, debug, "--syms", internal), Attach.uprobeOffset(libc, internal));

        MethodHandle strtol = Linker.nativeLinker().downcallHandle(Linker.nativeLinker().defaultLookup().find("strtol")
                .orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT));
        int n = 25;
        int tid = Sys.gettid();
        try (Arena arena = Arena.ofConfined();
                BpfMap count = Counting.counter();
                Program p = Program.load(ProgramSpec.of("uprobe_strtol", ProgramType.KPROBE, Counting.countIf(count, tid, false)));
                Link l = Attach.uprobe(p, libc, internal, false, Sys.getpid())) {
            MemorySegment text = arena.allocateFrom("4711");
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += (long) strtol.invokeExact(text, MemorySegment.NULL, 10);
            }
            assertEquals(4711L * n, sum);
            assertEquals(n, Counting.read(count), l.description());
        }
    }

    /**
     * In this libc every executable PT_LOAD has p_vaddr == p_offset, so the conversion above is the identity here.
     * A copy whose executable segment's p_offset is moved down a page (program header patched, symbols untouched)
     * makes the difference visible; readelf on the copy stays the oracle.
     */
    @org.junit.jupiter.api.Test
    void theOffsetFollowsTheSegmentWhenVaddrAndOffsetDiffer(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        byte[] b = java.nio.file.Files.readAllBytes(libc());
        java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long phoff = h.getLong(0x20); // Elf64_Ehdr.e_phoff, e_phentsize at 0x36, e_phnum at 0x38 (elf(5))
        int phentsize = Short.toUnsignedInt(h.getShort(0x36));
        int phnum = Short.toUnsignedInt(h.getShort(0x38));
        boolean patched = false;
        for (int i = 0; i < phnum && !patched; i++) {
            int ph = (int) (phoff + (long) i * phentsize);
            if (h.getInt(ph) == 1 && (h.getInt(ph + 4) & 1) != 0 && h.getLong(ph + 8) >= 0x1000) { // PT_LOAD, PF_X
                h.putLong(ph + 8, h.getLong(ph + 8) - 0x1000); // p_offset
                patched = true;
            }
        }
        assertTrue(patched, "no executable PT_LOAD to move in " + libc());
        Path copy = dir.resolve("libc-moved.so.6");
        java.nio.file.Files.write(copy, b);
        long moved = readelfOffset(copy, copy, "--dyn-syms", "kill");
        assertEquals(readelfOffset(libc(), libc(), "--dyn-syms", "kill") - 0x1000, moved, "readelf sees the moved segment");
        assertEquals(moved, Attach.uprobeOffset(copy, "kill"));
    }

    @org.junit.jupiter.api.Test
    void anIndirectFunctionIsRefusedWithAReason() throws Exception {
        ElfFile elf = ElfFile.read(libc());
        assertEquals(ElfSymbol.Type.IFUNC, elf.function("memcpy").orElseThrow().type());
        ElfException e = assertThrows(ElfException.class, () -> Attach.uprobeOffset(libc(), "memcpy"));
        assertTrue(e.getMessage().contains("IFUNC"), e.getMessage());
        // The compat version memcpy@GLIBC_2.2.5 is a plain FUNC and can be probed by its versioned name.
        assertEquals(ElfSymbol.Type.FUNC, elf.function("memcpy@GLIBC_2.2.5").orElseThrow().type());
        assertEquals(readelfOffset(libc(), libc(), "--dyn-syms", "memcpy@GLIBC_2.2.5"),
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
