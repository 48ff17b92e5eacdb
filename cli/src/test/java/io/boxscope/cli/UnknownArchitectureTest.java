package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An architecture outside the six Boxscope knows (DEVELOPERS.md, "Supported architectures"): every command that
 * needs {@code io.boxscope.bpf.sys.Arch} or bench's open-flag table ends with exit 1 and one line saying what failed
 * and what to do, never a stack trace. Each runs in a child JVM told {@code -Dos.arch=sparc64}, the name a SPARC
 * JDK reports (the JDK's own FFM linker also believes it, which is why a child and not this JVM).
 */
class UnknownArchitectureTest {
    private static final String ARCH = "sparc64";

    private record Run(int code, String stdout, String stderr) {}

    private static Run run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(ChildJvm.boxscope(args));
        cmd.add(1, "-Dos.arch=" + ARCH);
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " did not end in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void assertRefused(Run r, String what, String... said) {
        // sysbench prints its FATAL lines on standard output; Boxscope's commands print errors on standard error
        String e = what.startsWith("sysbench") ? r.stdout() + r.stderr() : r.stderr();
        assertEquals(1, r.code(), what + ": exit code; stderr: " + e);
        assertFalse(e.contains("\tat ") || e.contains("Exception in thread") || e.contains("ExceptionInInitializerError"),
                what + " printed a stack trace: " + e);
        List<String> lines = e.lines().filter(l -> l.contains(ARCH)).toList();
        assertEquals(1, lines.size(), what + ": one line names the architecture: " + e);
        for (String s : said) {
            assertTrue(lines.getFirst().contains(s), what + ": '" + s + "' missing from: " + lines.getFirst());
        }
    }

    /** The kernel-side commands: the BPF syscalls' numbers are per architecture. */
    @Test
    @KernelTest
    void tracingCommandsSayTheArchitectureIsUnknown(@TempDir Path dir) throws Exception {
        List<List<String>> commands = List.of(
                List.of("probe", "-e", "tracepoint:syscalls:sys_enter_getpid { exit(); }"),
                List.of("trace", "-n", "1"),
                List.of("syscount", "-d", "1"),
                List.of("execsnoop"),
                List.of("opensnoop"),
                List.of("tcpconnect"),
                List.of("runqlat", "1", "1"),
                List.of("profile", "1"));
        for (List<String> c : commands) {
            assertRefused(run(dir, c.toArray(String[]::new)), String.join(" ", c),
                    "architecture '" + ARCH + "' is not supported", "x86_64, aarch64, riscv64, loongarch64, s390x and ppc64le",
                    "add the architecture to io.boxscope.bpf.sys.Arch");
        }
    }

    /** bench fileio and the sysbench drop-in: bench cannot depend on bpf and has its own open(2) flag table. */
    @Test
    void benchFileioSaysItsFlagsAreUnknown(@TempDir Path dir) throws Exception {
        String[] size = {"--file-test-mode=seqwr", "--file-total-size=1M", "--file-num=1"};
        List<String> prepare = new ArrayList<>(List.of("bench", "fileio"));
        prepare.addAll(List.of(size));
        prepare.add("prepare");
        assertRefused(run(dir, prepare.toArray(String[]::new)), "bench fileio prepare",
                "architecture '" + ARCH + "'", "O_DIRECT and O_NOFOLLOW", "to io.boxscope.bench.fileio.OpenFlags");
        List<String> sysbench = new ArrayList<>(List.of("sysbench", "fileio"));
        sysbench.addAll(List.of(size));
        sysbench.add("prepare");
        Run r = run(dir, sysbench.toArray(String[]::new));
        assertRefused(r, "sysbench fileio prepare", "architecture '" + ARCH + "'", "to io.boxscope.bench.fileio.OpenFlags");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("err", "out"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no test file was created");
        }
    }
}
