package io.boxscope.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** InetText against the C library's inet_ntop, through Python's socket.inet_ntop, on addresses with every shape of zero run. */
class InetTest {
    static final List<String> ADDRESSES = List.of("::1", "::", "fe80::1", "2001:db8::ff00:42:8329", "2001:db8:0:0:1:0:0:1",
            "2001:0:0:1::1", "::ffff:127.0.0.1", "::127.0.0.1", "1:2:3:4:5:6:7:8", "1::", "0:0:1::", "::2:0:0:0:0");

    @Test
    void sameAsInetNtop() throws Exception {
        StringBuilder py = new StringBuilder("import socket\n");
        for (String a : ADDRESSES) {
            py.append("print(socket.inet_pton(socket.AF_INET6, '").append(a).append("').hex(), socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, '")
                    .append(a).append("')))\n");
        }
        Process p = new ProcessBuilder("python3", "-c", py.toString()).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals(ADDRESSES.size(), lines.size(), lines::toString);
        for (String line : lines) {
            String[] f = line.split(" ");
            assertEquals(f[1], InetText.ipv6(java.util.HexFormat.of().parseHex(f[0])), f[0]);
        }
        assertEquals("127.0.0.1", InetText.ipv4(new byte[] {127, 0, 0, 1}, 0));
    }
}
