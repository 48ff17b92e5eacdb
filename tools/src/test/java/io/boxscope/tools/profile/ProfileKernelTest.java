package io.boxscope.tools.profile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.stacks.Folded;
import io.boxscope.tools.stacks.StackSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * profile on known workloads: a C program built here with gcc that spends its life in one function,
 * and a JVM whose hot method is JIT-compiled and named through {@code jcmd PID Compiler.perfmap}
 * (/tmp/perf-PID.map). The oracle is the name we gave the function; the share asserted is "most"
 * of the process's samples, which a busy loop meets on any machine however loaded (the samples
 * counted are only those taken while it ran).
 */
@KernelTest
class ProfileKernelTest {
    @TempDir
    Path dir;

    static final String C = """
            #include <unistd.h>
            volatile unsigned long sink;
            __attribute__((noinline)) void boxscope_busy_leaf(void) {
                for (unsigned long i = 0; i < 100000000UL; i++) { sink += i * 7; }
            }
            int main(void) { alarm(60); for (;;) { boxscope_busy_leaf(); } }
            """;

    @Test
    void attributesMostSamplesOfABusyCFunctionToIt() throws Exception {
        Path src = dir.resolve("busy.c");
        Files.writeString(src, C);
        Path bin = dir.resolve("busy");
        Process cc = new ProcessBuilder("gcc", "-O1", "-fno-omit-frame-pointer", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "gcc: " + ccOut);
        Process busy = new ProcessBuilder(bin.toString()).start();
        try {
            Profile.Options o = new Profile.Options(99, List.of((int) busy.pid()), List.of(), false, false, false, -1, null,
                    Duration.ofSeconds(2));
            Profile.Report r = Profile.run(o, io.boxscope.proc.HostPaths.DEFAULT, n -> {
                Thread.sleep(n / 1_000_000);
                return false;
            });
            assertTrue(r.samples() > 0, "no sample of the busy process: " + r);
            long inLeaf = r.stacks().stream().filter(s -> s.user().contains("boxscope_busy_leaf")).mapToLong(StackSample::weight).sum();
            assertTrue(inLeaf * 2 > r.samples(), inLeaf + " of " + r.samples() + " samples in boxscope_busy_leaf: "
                    + Folded.lines(r.stacks(), false));
            assertTrue(r.stacks().stream().allMatch(s -> s.pid() == busy.pid()), "-p let other processes in");
            // kernel frames left [unknown] because kallsyms could not be read: none when it reads (this machine, as root)
            org.junit.jupiter.api.Assertions.assertNull(io.boxscope.tools.stacks.ThisKallsyms.check(r.stacks(), r.kernelSymbolsMissing()));
            // Folded: comm first, then main before the leaf (outermost first).
            String line = Folded.line(r.stacks().getFirst(), false);
            assertTrue(line.startsWith("busy;") && line.indexOf("main") < line.indexOf("boxscope_busy_leaf"), line);
        } finally {
            busy.destroyForcibly().waitFor();
        }
    }

    @Test
    void namesAJitCompiledJavaMethodFromThePerfMap() throws Exception {
        Path src = dir.resolve("Spin.java");
        Files.writeString(src, """
                public class Spin {
                    static volatile long sink;
                    static long boxscopeHotMethod(long n) {
                        long x = 0;
                        for (long i = 0; i < n; i++) { x += i * 31 ^ (x >>> 3); }
                        return x;
                    }
                    public static void main(String[] a) throws Exception {
                        long end = System.nanoTime() + 60_000_000_000L;
                        System.out.println("ready");
                        while (System.nanoTime() < end) { sink += boxscopeHotMethod(1_000_000); }
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process jvm = new ProcessBuilder(java, "-XX:+UnlockDiagnosticVMOptions", "-XX:+PreserveFramePointer",
                "-XX:-TieredCompilation", "-Xshare:off", src.toString()).redirectErrorStream(true).start();
        try {
            byte[] ready = jvm.getInputStream().readNBytes(6);
            assertTrue(new String(ready, StandardCharsets.US_ASCII).startsWith("ready"), "the JVM did not start");
            Thread.sleep(3000); // let C2 compile the hot method
            Profile.Options o = new Profile.Options(99, List.of((int) jvm.pid()), List.of(), true, false, false, -1, null,
                    Duration.ofSeconds(3));
            long start = System.nanoTime();
            boolean[] written = {false};
            Profile.Report r = Profile.run(o, io.boxscope.proc.HostPaths.DEFAULT, n -> {
                // The perf map is written while the profile runs (after the JIT settled), before the
                // stacks are symbolized at the end.
                if (!written[0] && System.nanoTime() - start > 1_500_000_000L) {
                    written[0] = true;
                    try {
                        Process p = new ProcessBuilder(jcmd, Long.toString(jvm.pid()), "Compiler.perfmap").redirectErrorStream(true).start();
                        p.getInputStream().readAllBytes();
                        p.waitFor(30, TimeUnit.SECONDS);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                Thread.sleep(n / 1_000_000);
                return false;
            });
            assertTrue(written[0], "jcmd Compiler.perfmap did not run during the profile");
            long hot = r.stacks().stream().filter(s -> s.user().stream().anyMatch(f -> f.contains("boxscopeHotMethod")))
                    .mapToLong(StackSample::weight).sum();
            assertTrue(hot * 2 > r.samples(), hot + " of " + r.samples() + " samples name boxscopeHotMethod: "
                    + Folded.lines(r.stacks().subList(0, Math.min(10, r.stacks().size())), false));
        } finally {
            jvm.destroyForcibly().waitFor();
        }
    }
}
