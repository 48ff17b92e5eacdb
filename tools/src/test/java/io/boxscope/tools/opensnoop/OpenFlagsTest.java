package io.boxscope.tools.opensnoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Flag names against the running system's own values: Python's os.O_* constants come from its C headers.
 * O_LARGEFILE is not compared: glibc defines it as 0 on 64-bit systems (implied there), the kernel's bit
 * is what open(2) may still receive.
 */
class OpenFlagsTest {
    static final List<String> NAMES = List.of("O_CREAT", "O_EXCL", "O_NOCTTY", "O_TRUNC", "O_APPEND", "O_NONBLOCK", "O_DSYNC",
            "O_ASYNC", "O_DIRECT", "O_DIRECTORY", "O_NOFOLLOW", "O_NOATIME", "O_CLOEXEC", "O_PATH");

    @Test
    void everyFlagHasTheValueOfTheSystemHeaders() throws Exception {
        StringBuilder py = new StringBuilder("import os\n");
        for (String n : NAMES) {
            py.append("print(os.").append(n).append(")\n");
        }
        Process p = new ProcessBuilder("python3", "-c", py.toString()).redirectErrorStream(true).start();
        List<String> values = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "python3: " + values);
        for (int i = 0; i < NAMES.size(); i++) {
            int v = Integer.parseInt(values.get(i));
            assertEquals(List.of("O_RDONLY", NAMES.get(i)), OpenFlags.names(v), NAMES.get(i) + " = " + v);
            assertEquals(v, OpenFlags.bit(NAMES.get(i)));
        }
    }

    @Test
    void accessModesAndUnknownBits() {
        assertEquals(List.of("O_WRONLY"), OpenFlags.names(1));
        assertEquals(List.of("O_RDWR"), OpenFlags.names(2));
        assertEquals(List.of("O_RDONLY", "0" + Integer.toOctalString(1 << 30)), OpenFlags.names(1 << 30));
    }

    /**
     * On an architecture outside the six (a child JVM told {@code -Dos.arch=sparc64}), the first use of the table is
     * Arch's one-line refusal, and so is the next: the table is made when first used, not in a static initializer
     * (which threw ExceptionInInitializerError, then NoClassDefFoundError, and the command printed a stack trace).
     */
    @Test
    void anUnknownArchitectureIsRefusedInOneLineEachTime() throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-Dos.arch=sparc64",
                "-cp", System.getProperty("java.class.path"), OpenFlagsChild.class.getName()).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM");
        String refusal = "java.lang.UnsupportedOperationException: architecture 'sparc64' is not supported: Boxscope knows the"
                + " system call numbers of x86_64, aarch64, riscv64, loongarch64, s390x and ppc64le only"
                + " (add the architecture to io.boxscope.bpf.sys.Arch)";
        assertEquals(List.of(refusal, refusal), lines);
    }
}
