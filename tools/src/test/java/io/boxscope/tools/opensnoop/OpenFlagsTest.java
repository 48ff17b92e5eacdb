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
}
