package io.boxscope.bpf.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Linker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symbolization against real processes: a program compiled here prints the addresses of its own functions and of
 * libc's getpid; this JVM's getpid address comes from the linker; a kernel address comes from kallsyms read by
 * awk; JIT frames come from a child JVM's perf map written by {@code jcmd PID Compiler.perfmap}.
 */
@KernelTest
class SymbolizerKernelTest {
    static final Path PROC = Path.of("/proc");

    static List<String> run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    @Test
    void kernelAddressesFromKallsyms() throws Exception {
        String line = run("awk", "$3 == \"vfs_read\" && ($2 == \"T\" || $2 == \"t\") {print $1; exit}", "/proc/kallsyms").get(0);
        long addr = Long.parseUnsignedLong(line, 16);
        KernelSymbols k = KernelSymbols.read(PROC);
        assertTrue(k.size() > 10_000, k.toString());
        Symbol s = k.resolve(addr + 7).orElseThrow();
        assertEquals("vfs_read", s.name());
        assertEquals(7, s.offset());
        assertEquals(addr, k.address("vfs_read").orElseThrow());
    }

    @Test
    void functionsOfACompiledProgramAndLibcInIt(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("known.c");
        Files.writeString(src, """
                #include <stdio.h>
                #include <unistd.h>
                __attribute__((noinline)) int boxscope_known_function(int x) { return x * 3 + 1; }
                static __attribute__((noinline)) int boxscope_static_helper(int x) { return x ^ 5; }
                int main(void) {
                    printf("%lx %lx %lx\\n", (unsigned long)&boxscope_known_function,
                           (unsigned long)&boxscope_static_helper, (unsigned long)&getpid);
                    fflush(stdout);
                    char buf[8];
                    return read(0, buf, sizeof buf) < 0 ? boxscope_known_function(1) + boxscope_static_helper(2) : 0;
                }
                """);
        Path bin = dir.resolve("known");
        run("gcc", "-O1", "-fPIE", "-pie", "-o", bin.toString(), src.toString());
        Process child = new ProcessBuilder(bin.toString()).start();
        try {
            String[] addrs = new BufferedReader(new InputStreamReader(child.getInputStream())).readLine().split(" ");
            ProcessSymbolizer s = ProcessSymbolizer.of(PROC, (int) child.pid());
            long known = Long.parseUnsignedLong(addrs[0], 16);
            assertEquals("boxscope_known_function", s.resolve(known).orElseThrow().name());
            Symbol inside = s.resolve(known + 2).orElseThrow();
            assertEquals("boxscope_known_function+0x2", inside.withOffset());
            assertEquals(bin.toString(), inside.module());
            assertEquals(known, inside.start());
            assertEquals("boxscope_static_helper", s.resolve(Long.parseUnsignedLong(addrs[1], 16)).orElseThrow().name(),
                    "a local symbol from .symtab");
            Symbol getpid = s.resolve(Long.parseUnsignedLong(addrs[2], 16)).orElseThrow();
            assertEquals("getpid", getpid.name());
            assertTrue(getpid.aliases().contains("__getpid"), getpid.aliases().toString());
            assertTrue(getpid.module().endsWith("libc.so.6"), getpid.module());
            assertTrue(s.resolve(0x10).isEmpty(), "an unmapped address");
            assertEquals(List.of(), s.problems());
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void thisJvmsLibcGetpid() {
        long addr = Linker.nativeLinker().defaultLookup().find("getpid").orElseThrow().address();
        ProcessSymbolizer s = ProcessSymbolizer.of(PROC, Sys.getpid());
        assertEquals("getpid", s.resolve(addr).orElseThrow().name());
        assertEquals("getpid+0x1", s.resolve(addr + 1).orElseThrow().withOffset());
    }

    /** A perf map the test writes for a child process resolves addresses in no file mapping. */
    @Test
    void aPerfMapWrittenByTheTest() throws Exception {
        Process child = new ProcessBuilder("sleep", "60").start();
        Path map = Path.of("/tmp/perf-" + child.pid() + ".map");
        try {
            Files.writeString(map, "7e0000001000 100 jitted_hot_loop\n7e0000002000 20 LFoo;::bar(int)\n");
            ProcessSymbolizer s = ProcessSymbolizer.of(PROC, (int) child.pid());
            Symbol sym = s.resolve(0x7e0000001010L).orElseThrow();
            assertEquals("jitted_hot_loop+0x10", sym.withOffset());
            assertEquals("perf-" + child.pid() + ".map", sym.module());
            assertEquals("LFoo;::bar(int)", s.resolve(0x7e000000201fL).orElseThrow().name());
            assertTrue(s.resolve(0x7e0000002020L).isEmpty());
        } finally {
            Files.deleteIfExists(map);
            child.destroyForcibly();
        }
    }

    /**
     * JIT frames of a real JVM: a child JVM spins in a method until C2 compiles it, {@code jcmd PID Compiler.perfmap}
     * writes /tmp/perf-PID.map, and an address inside the method's entry (from that file) resolves to it.
     */
    @Test
    void javaJitFramesThroughJcmdPerfmap(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("Hot.java");
        Files.writeString(src, """
                public class Hot {
                    static long spinBoxscope(long x) { for (int i = 0; i < 1000; i++) { x = x * 31 + i; } return x; }
                    public static void main(String[] a) throws Exception {
                        long s = 0;
                        for (int i = 0; i < 200_000; i++) { s += spinBoxscope(i); }
                        System.out.println("ready " + s);
                        System.in.read();
                    }
                }
                """);
        Path javaHome = Path.of(System.getProperty("java.home"));
        Process child = new ProcessBuilder(javaHome.resolve("bin/java").toString(), "-Xshare:auto", src.toString())
                .redirectErrorStream(true).start();
        Path map = Path.of("/tmp/perf-" + child.pid() + ".map");
        try {
            String ready = new BufferedReader(new InputStreamReader(child.getInputStream())).readLine();
            assertTrue(ready != null && ready.startsWith("ready"), String.valueOf(ready));
            run(javaHome.resolve("bin/jcmd").toString(), Long.toString(child.pid()), "Compiler.perfmap");
            String entry = Files.readAllLines(map).stream().filter(l -> l.contains(" Hot.spinBoxscope(long)")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no Hot.spinBoxscope in " + map));
            String[] f = entry.split(" ", 3);
            long start = Long.parseUnsignedLong(f[0].replace("0x", ""), 16);
            long size = Long.parseUnsignedLong(f[1].replace("0x", ""), 16);
            ProcessSymbolizer s = ProcessSymbolizer.of(PROC, (int) child.pid());
            Symbol sym = s.resolve(start + size / 2).orElseThrow();
            assertEquals(f[2], sym.name());
            assertEquals(size / 2, sym.offset());
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(map);
        }
    }
}
