package io.boxscope.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Expectations are glibc's inet_ntop(AF_INET6) output for the same bytes (Python's socket.inet_ntop on Debian). */
class InetTextTest {
    private static String v6(String hex) {
        return InetText.ipv6(HexFormat.of().parseHex(hex));
    }

    @Test
    void ipv6AsGlibcWritesIt() {
        assertEquals("::ffff:127.0.0.1", v6("00000000000000000000ffff7f000001"));
        assertEquals("::1.2.3.4", v6("00000000000000000000000001020304"));
        assertEquals("::1", v6("00000000000000000000000000000001"));
        assertEquals("::", v6("00000000000000000000000000000000"));
        assertEquals("2001:db8::1", v6("20010db8000000000000000000000001"));
        assertEquals("1:0:0:2::3", v6("00010000000000020000000000000003"));
        assertEquals("fe80::1:2", v6("fe800000000000000000000000010002"));
    }

    @Test
    void ipv4() {
        assertEquals("127.0.0.1", InetText.ipv4(new byte[] {9, 127, 0, 0, 1}, 1));
        assertEquals("255.255.255.255", InetText.ipv4(new byte[] {-1, -1, -1, -1}, 0));
    }
}
