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
}
