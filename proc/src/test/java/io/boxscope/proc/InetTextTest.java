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
    private static String hex(String text) {
        byte[] b = InetText.parse(text);
        return b == null ? null : HexFormat.of().formatHex(b);
    }

    /** Expectations: Python's socket.inet_pton (glibc's), AF_INET then AF_INET6, on Debian; null where both refuse. */
    @Test
    void parseAsInetPton() {
        assertEquals("01020304", hex("1.2.3.4"));
        assertEquals("00000000", hex("0.0.0.0"));
        assertEquals("ffffffff", hex("255.255.255.255"));
        assertEquals(null, hex("256.1.1.1"));
        assertEquals(null, hex("01.2.3.4"));
        assertEquals(null, hex("1.2.3"));
        assertEquals(null, hex("1.2.3.4.5"));
        assertEquals(null, hex("1..3.4"));
        assertEquals("00000000000000000000000000000000", hex("::"));
        assertEquals("00000000000000000000000000000001", hex("::1"));
        assertEquals("fe800000000000000000000000000001", hex("fe80::1"));
        assertEquals("20010db8000000000000ff0000428329", hex("2001:db8::ff00:42:8329"));
        assertEquals("00010002000300040005000600070008", hex("1:2:3:4:5:6:7:8"));
        assertEquals(null, hex("1:2:3:4:5:6:7:8:9"));
        assertEquals(null, hex("1::2::3"));
        assertEquals("00000000000000000000ffff0a000001", hex("::ffff:10.0.0.1"));
        assertEquals("00000000000000000000000001020304", hex("::1.2.3.4"));
        assertEquals(null, hex("12345::"));
        assertEquals(null, hex("g::1"));
        assertEquals(null, hex(":1"));
        assertEquals(null, hex("1:"));
        assertEquals("00010002000300040005000600070000", hex("1:2:3:4:5:6:7::"));
        assertEquals("00000001000200030004000500060007", hex("::1:2:3:4:5:6:7"));
        assertEquals("abcdef01000000000000000000000000", hex("abcd:EF01::"));
        assertEquals(null, hex(""));
        assertEquals(null, hex(":::"));
        assertEquals(null, hex("1.2.3.4::"));
        assertEquals(null, hex("::1.2.3.4:5"));
    }
}
