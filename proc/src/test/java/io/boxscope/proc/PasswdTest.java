package io.boxscope.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PasswdTest {
    @Test
    void parsesAndSkipsMalformedLines() {
        Map<Integer, String> m = Passwd.parse("root:x:0:0:root:/root:/bin/bash\n"
                + "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                + "broken line\n:x:5:5::/:\nbad:x:notanumber:0::/:\ntoor:x:0:0::/:\n" + "x".repeat(65536) + "\n");
        assertEquals(Map.of(0, "root", 1, "daemon"), m);
    }

    /** entries: the fields getent(1) prints for root, from the same file; malformed lines skipped. */
    @Test
    void entriesAsGetentShowsThem() throws Exception {
        Process p = new ProcessBuilder("getent", "passwd", "0").start();
        String[] f = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip().split(":", -1);
        assertEquals(0, p.waitFor());
        Passwd.Entry root = Passwd.entries(java.nio.file.Files.readString(java.nio.file.Path.of("/etc/passwd"))).get(0);
        assertEquals(new Passwd.Entry(0, Integer.parseInt(f[3]), f[0], f[5], f[6]), root);
        assertEquals(Map.of(1, new Passwd.Entry(1, 1, "daemon", "/usr/sbin", "/usr/sbin/nologin")),
                Passwd.entries("daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbroken line\nbad:x:2:x::/:\nshort:x:3:3::/\n"));
    }
}
